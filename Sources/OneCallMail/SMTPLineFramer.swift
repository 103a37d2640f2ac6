import NIOCore

/// Splits an SMTP byte stream into lines ended by LF (a CR before it is dropped), with a bound on
/// the length of one line (RFC 5321 §4.5.3.1): a longer line is skipped up to its end and reported
/// as ``Line/tooLong`` instead of being buffered.
public struct SMTPLineFramer: Sendable {
    /// One framed line.
    public enum Line: Sendable, Equatable {
        /// The bytes of a line without its CR LF.
        case line([UInt8])
        /// A line longer than the limit, already discarded.
        case tooLong
    }

    /// The longest line accepted, in octets, not counting CR LF.
    public let maximumLineLength: Int

    private var buffer: [UInt8] = []
    private var start = 0
    private var discarding = false

    /// Creates a framer for lines of at most `maximumLineLength` octets.
    public init(maximumLineLength: Int) {
        precondition(maximumLineLength > 0, "maximumLineLength must be positive")
        self.maximumLineLength = maximumLineLength
    }

    /// Bytes received but not yet returned as a line.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Adds received bytes.
    public mutating func append(_ bytes: ByteBuffer) {
        append(contentsOf: bytes.readableBytesView)
    }

    /// Adds received bytes.
    public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete line, or `nil` when more bytes are needed.
    public mutating func next() -> Line? {
        guard let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) else {
            // No end yet: a partial line longer than the limit is dropped now rather than kept.
            if bufferedByteCount > maximumLineLength + 1 {
                discarding = true
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            return nil
        }
        var end = newline
        if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let length = end - start
        let line = discarding || length > maximumLineLength ? nil : Array(buffer[start..<end])
        start = newline + 1
        compact()
        discarding = false
        return line.map { .line($0) } ?? .tooLong
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 4096 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }
}
