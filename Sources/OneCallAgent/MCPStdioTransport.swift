import Foundation
import Logging
import MCP
import OneCallCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The MCP stdio transport: newline-delimited JSON-RPC messages on standard input and output, with
/// a bound on message size.
///
/// Unlike the SDK's `StdioTransport`, it leaves the descriptors blocking and reads on a thread of
/// its own (no polling, no change to the terminal's flags), refuses a line longer than the limit
/// without buffering it, and answers a line that is not JSON with a JSON-RPC parse error (id
/// `null`) itself. Writes run on a serial queue, one whole message at a time.
///
/// When the input ends, the message stream stays open until every request read has been answered
/// (or `drainTimeout` has passed), so that a client that writes its requests and closes its end
/// still gets every response.
public actor MCPStdioTransport: Transport {
    /// The transport's logger (the SDK reads it too).
    public nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let limits: JSONParseLimits
    private let drainTimeout: Duration
    private let unanswered = UnansweredRequests()
    private let writeQueue = DispatchQueue(label: "onecall.mcp.stdio.write")
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var isConnected = false

    /// A transport on `input` and `output` (standard input and output by default) that refuses
    /// messages over `limits`.
    public init(
        input: Int32 = STDIN_FILENO,
        output: Int32 = STDOUT_FILENO,
        limits: JSONParseLimits = JSONParseLimits(),
        drainTimeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "onecall.mcp.stdio")
    ) {
        self.input = input
        self.output = output
        self.limits = limits
        self.drainTimeout = drainTimeout
        self.logger = logger
        (messages, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
    }

    /// Starts the reader thread, which ends the message stream when the input ends.
    public func connect() async throws {
        guard !isConnected else { return }
        isConnected = true
        let reader = Reader(
            input: input, output: output, limits: limits, drainTimeout: drainTimeout, writeQueue: writeQueue,
            unanswered: unanswered, continuation: continuation, logger: logger)
        let thread = Thread { reader.run() }
        thread.name = "onecall.mcp.stdio.read"
        thread.start()
    }

    /// Ends the message stream. The reader thread stays blocked in `read` until the input ends.
    public func disconnect() async {
        isConnected = false
        continuation.finish()
    }

    /// Writes `data` and a newline, whole, after every message sent before it.
    public func send(_ data: Data) async throws {
        guard isConnected else { throw MCPError.connectionClosed }
        let line = [UInt8](data) + [UInt8(ascii: "\n")]
        let output = output
        try await withCheckedThrowingContinuation { (written: CheckedContinuation<Void, any Error>) in
            writeQueue.async {
                do {
                    try Self.writeAll(line, to: output)
                    written.resume()
                } catch {
                    written.resume(throwing: error)
                }
            }
        }
        if let message = try? JSONValue(parsing: data, limits: JSONParseLimits(maximumBytes: .max, maximumDepth: .max))
        {
            let responses = Self.count(in: message) { $0.keys.contains("id") && !$0.keys.contains("method") }
            unanswered.add(-responses)
        }
    }

    /// The number of JSON-RPC objects in `message` (one object, or a batch) that `isCounted`.
    static func count(in message: JSONValue, where isCounted: (JSONObject) -> Bool) -> Int {
        switch message {
        case .object(let object): return isCounted(object) ? 1 : 0
        case .array(let elements): return elements.count { $0.objectValue.map(isCounted) ?? false }
        default: return 0
        }
    }

    /// The messages read, one per line, each a JSON text within the limits.
    public func receive() -> AsyncThrowingStream<Data, any Error> {
        messages
    }

    /// Writes all of `bytes` to `descriptor`, retrying on interruption and waiting while a
    /// non-blocking descriptor is full.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if count >= 0 {
                offset += count
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                var descriptorPoll = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptorPoll, 1, -1)
            } else {
                throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
            }
        }
    }

    /// The loop on the reader thread: frames lines, refuses what is over the limits or not JSON,
    /// and passes the rest on.
    private struct Reader: Sendable {
        let input: Int32
        let output: Int32
        let limits: JSONParseLimits
        let drainTimeout: Duration
        let writeQueue: DispatchQueue
        let unanswered: UnansweredRequests
        let continuation: AsyncThrowingStream<Data, any Error>.Continuation
        let logger: Logger

        func run() {
            var decoder = MCPLineDecoder(maximumLineBytes: limits.maximumBytes)
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
                if count > 0 {
                    for event in decoder.feed(buffer[..<count]) { handle(event) }
                } else if count == 0 {
                    break
                } else if errno == EINTR {
                    continue
                } else if errno == EAGAIN || errno == EWOULDBLOCK {
                    var descriptorPoll = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
                    _ = poll(&descriptorPoll, 1, -1)
                } else {
                    logger.debug("MCP stdio read failed", metadata: ["errno": "\(errno)"])
                    break
                }
            }
            if let last = decoder.finish() { handle(.line(last)) }
            logger.debug("MCP stdio input ended")
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: drainTimeout)
            while unanswered.count > 0, clock.now < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
            continuation.finish()
        }

        private func handle(_ event: MCPLineDecoder.Event) {
            switch event {
            case .oversized:
                logger.debug("MCP stdio message over the limit", metadata: ["limit": "\(limits.maximumBytes)"])
                reply(
                    MCPErrorMessage(
                        code: -32600, message: "Invalid Request: message exceeds \(limits.maximumBytes) bytes"))
            case .line(let bytes):
                do {
                    let message = try JSONValue(parsing: bytes, limits: limits)
                    let requests = MCPStdioTransport.count(in: message) {
                        $0.keys.contains("id") && $0.keys.contains("method")
                    }
                    unanswered.add(requests)
                    continuation.yield(Data(bytes))
                } catch {
                    logger.debug("MCP stdio message is not JSON", metadata: ["error": "\(error)"])
                    reply(MCPErrorMessage(code: -32700, message: "Parse error: \(error)"))
                }
            }
        }

        private func reply(_ message: MCPErrorMessage) {
            var line = message.jsonBytes
            line.append(UInt8(ascii: "\n"))
            writeQueue.sync {
                do {
                    try MCPStdioTransport.writeAll(line, to: output)
                } catch {
                    logger.debug("MCP stdio write failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}

/// How many requests read from the input have not been answered yet, shared by the reader thread
/// and the transport.
final class UnansweredRequests: Sendable {
    private let value = Mutex(0)

    /// The current count.
    var count: Int { value.withLock { $0 } }

    /// Adds `delta` (negative for answers), never going below zero.
    func add(_ delta: Int) {
        value.withLock { $0 = max(0, $0 + delta) }
    }
}
