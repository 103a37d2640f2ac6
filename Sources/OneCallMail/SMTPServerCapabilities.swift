/// The service extensions a server announced in its EHLO reply (RFC 5321 §4.1.1.1): each line after
/// the first is a keyword and its parameters.
public struct SMTPServerCapabilities: Sendable, Hashable {
    /// Every keyword (upper-cased) with its parameters.
    public var keywords: [String: [String]]

    /// Creates capabilities from keywords.
    public init(keywords: [String: [String]] = [:]) {
        self.keywords = keywords
    }

    /// Parses a 250 reply to EHLO; the first line is the server's greeting and is skipped.
    public init(ehloReply reply: SMTPReply) {
        var keywords: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard var keyword = words.first?.uppercased() else { continue }
            var parameters = Array(words.dropFirst())
            // Some servers still announce `AUTH=PLAIN LOGIN` (the draft syntax before RFC 2554).
            if keyword.hasPrefix("AUTH=") {
                parameters.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            keywords[keyword, default: []].append(contentsOf: parameters)
        }
        self.keywords = keywords
    }

    /// Whether the server offers STARTTLS (RFC 3207).
    public var supportsStartTLS: Bool { keywords["STARTTLS"] != nil }
    /// The SASL mechanisms offered with AUTH (RFC 4954), upper-cased.
    public var authenticationMechanisms: Set<String> { Set((keywords["AUTH"] ?? []).map { $0.uppercased() }) }
    /// The largest message the server accepts (RFC 1870), or `nil` when it set no limit.
    public var maximumMessageSize: Int? {
        guard let value = keywords["SIZE"]?.first, let size = Int(value), size > 0 else { return nil }
        return size
    }
    /// Whether SIZE was announced at all (then MAIL FROM may carry `SIZE=`).
    public var supportsSize: Bool { keywords["SIZE"] != nil }
    /// Whether the server accepts 8-bit message data (RFC 6152).
    public var supports8BitMIME: Bool { keywords["8BITMIME"] != nil }
    /// Whether the server accepts pipelined commands (RFC 2920); this client does not pipeline.
    public var supportsPipelining: Bool { keywords["PIPELINING"] != nil }
}
