import NIOCore

/// Where one MQTT connection's bytes come from and go to: a SwiftNIO channel (TLS and WebSocket
/// listeners, and the tests' embedded channels) or a socket of the broker's own reactor (plain TCP).
///
/// Every call is made on the transport's event loop. The transport also calls
/// ``MQTTServerConnection/checkDeadlines(now:)`` about twice a second, for the CONNECT and
/// keep-alive deadlines.
protocol MQTTTransport: AnyObject {
    /// Whether writes may be queued now (below the high-water mark of unsent bytes).
    var isWritable: Bool { get }
    /// The client's address, for logs.
    var remoteAddressDescription: String { get }
    /// The identity from a client certificate, when the listener uses it.
    var certificateIdentity: String? { get }
    /// Queues bytes; they are sent by the next ``flush()``.
    func write(_ buffer: ByteBuffer)
    /// Sends what has been queued.
    func flush()
    /// Closes the connection now.
    func close()
    /// Closes the sending side, reads and drops what the client still sends, and closes
    /// completely after a second (or when the client closes).
    func closeGently()
    /// Stops or resumes reading from the client.
    func setReadingPaused(_ paused: Bool)
}
