/// Splits a byte stream into newline-delimited messages (the MCP stdio framing) without ever
/// holding more than `maximumLineBytes` of one line: a longer line is reported once as
/// `.oversized` and its bytes are dropped up to the next newline.
public struct MCPLineDecoder: Sendable {
    /// What a chunk of input completed.
    public enum Event: Sendable, Hashable {
        /// One complete line, without its `\n` (nor a `\r` before it); empty lines are skipped.
        case line([UInt8])
        /// A line longer than the limit ended (or is being skipped); its content is gone.
        case oversized
    }

    /// The longest line kept, in bytes, excluding the newline.
    public let maximumLineBytes: Int
    private var pending: [UInt8] = []
    private var discarding = false

    /// A decoder that refuses lines over `maximumLineBytes`.
    public init(maximumLineBytes: Int) {
        self.maximumLineBytes = maximumLineBytes
    }

    /// Feeds the next chunk of input and returns the events it completes, in order.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [Event] {
        var events: [Event] = []
        var start = bytes.startIndex
        while start != bytes.endIndex {
            let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end = newline ?? bytes.endIndex
            let piece = bytes[start..<end]
            if discarding {
                // Already reported; drop until the newline.
            } else if pending.count + piece.count > maximumLineBytes + 1 {
                // `+ 1` leaves room for a `\r` that the newline will strip.
                pending.removeAll(keepingCapacity: false)
                discarding = true
                events.append(.oversized)
            } else {
                pending.append(contentsOf: piece)
            }
            guard let newline else { break }
            if !discarding {
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                if pending.count > maximumLineBytes {
                    events.append(.oversized)
                } else if !pending.isEmpty {
                    events.append(.line(pending))
                }
            }
            pending.removeAll(keepingCapacity: true)
            discarding = false
            start = bytes.index(after: newline)
        }
        return events
    }

    /// The bytes of an unterminated last line, when the input ends; `nil` if there are none or
    /// they were over the limit.
    public mutating func finish() -> [UInt8]? {
        defer {
            pending.removeAll()
            discarding = false
        }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        guard !discarding, !pending.isEmpty, pending.count <= maximumLineBytes else { return nil }
        return pending
    }
}
