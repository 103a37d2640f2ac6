/// Parses one SIP message from one datagram (RFC 3261 §7, §18.3), within ``SIPLimits``.
///
/// It accepts CR LF or bare LF line ends, folded header lines and compact header names; it checks
/// Content-Length against the datagram, and that Via, From, To, Call-ID and a CSeq matching the
/// request's method are present. Anything else throws ``SIPError`` (``SIPError/Code/malformed`` or
/// ``SIPError/Code/tooLarge``) and the caller drops the datagram.
public struct SIPMessageParser: Sendable {
    /// The bounds applied.
    public var limits: SIPLimits

    /// Creates a parser.
    public init(limits: SIPLimits = .standard) { self.limits = limits }

    /// Whether a datagram is a keep-alive (only CR and LF octets, RFC 5626 §4.4.1) rather than a message.
    public static func isKeepAlive(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x0D || $0 == 0x0A }
    }

    /// Parses a datagram holding one message.
    public func parse(_ datagram: some Collection<UInt8>) throws(SIPError) -> SIPMessage {
        guard datagram.count <= limits.maximumMessageSize else {
            throw SIPError(.tooLarge, "message exceeds \(limits.maximumMessageSize) octets")
        }
        let bytes = Array(datagram)
        var position = 0
        // RFC 3261 §7.5: CR LF before the start line is ignored.
        while position < bytes.count, bytes[position] == 0x0D || bytes[position] == 0x0A { position += 1 }

        var lines: [String] = []
        var headerCount = 0
        var ended = false
        while position < bytes.count {
            guard let newline = bytes[position...].firstIndex(of: 0x0A) else { break }
            var end = newline
            if end > position, bytes[end - 1] == 0x0D { end -= 1 }
            let length = end - position
            guard length <= limits.maximumLineLength else {
                throw SIPError(.tooLarge, "header line exceeds \(limits.maximumLineLength) octets")
            }
            let lineBytes = bytes[position..<end]
            position = newline + 1
            if lineBytes.isEmpty {
                ended = true
                break
            }
            guard let line = String(validating: lineBytes, as: UTF8.self) else {
                throw SIPError(.malformed, "header is not UTF-8")
            }
            if line.first == " " || line.first == "\t" {
                // An obsolete folded line continues the previous header field (RFC 3261 §7.3.1).
                guard lines.count > 1 else { throw SIPError(.malformed, "continuation line without a header") }
                lines[lines.count - 1] += " " + SIPSyntax.trimmed(line)
                guard lines[lines.count - 1].utf8.count <= limits.maximumLineLength else {
                    throw SIPError(.tooLarge, "header line exceeds \(limits.maximumLineLength) octets")
                }
                continue
            }
            if !lines.isEmpty {
                headerCount += 1
                guard headerCount <= limits.maximumHeaderCount else {
                    throw SIPError(.tooLarge, "more than \(limits.maximumHeaderCount) header fields")
                }
            }
            lines.append(line)
        }
        guard ended, let startLine = lines.first else {
            throw SIPError(.malformed, "no empty line after the header fields")
        }

        var headers = SIPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw SIPError(.malformed, "header line without ':'") }
            let name = SIPSyntax.trimmed(line[..<colon])
            guard SIPSyntax.isToken(name) else { throw SIPError(.malformed, "invalid header name") }
            let value = SIPSyntax.trimmed(line[line.index(after: colon)...])
            guard !SIPSyntax.hasControlCharacters(value) else {
                throw SIPError(.malformed, "control character in header value")
            }
            headers.add(String(name), String(value))
        }

        let remaining = bytes.count - position
        var bodyLength = remaining
        let lengths = headers.values("Content-Length")
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }), let declared = SIPSyntax.decimal(first) else {
                throw SIPError(.malformed, "invalid Content-Length")
            }
            guard declared <= remaining else { throw SIPError(.malformed, "body shorter than Content-Length") }
            bodyLength = declared
        }
        guard bodyLength <= limits.maximumBodySize else {
            throw SIPError(.tooLarge, "body exceeds \(limits.maximumBodySize) octets")
        }
        let body = Array(bytes[position..<(position + bodyLength)])

        try Self.checkMandatoryHeaders(headers)
        let message = try Self.parseStartLine(startLine, headers: headers, body: body)
        if case .request(let request) = message {
            let cseq = try SIPCSeq(parsing: headers["CSeq"] ?? "")
            guard cseq.method == request.method else { throw SIPError(.malformed, "CSeq method differs from method") }
        }
        return message
    }

    private static func checkMandatoryHeaders(_ headers: SIPHeaders) throws(SIPError) {
        for name in ["Via", "From", "To", "Call-ID", "CSeq"] where headers[name] == nil {
            throw SIPError(.malformed, "missing \(name)")
        }
        guard let callID = headers["Call-ID"], !callID.isEmpty, !callID.contains(" ") else {
            throw SIPError(.malformed, "invalid Call-ID")
        }
        _ = try SIPCSeq(parsing: headers["CSeq"] ?? "")
        _ = try SIPVia(parsing: headers.elements("Via").first ?? "")
        _ = try SIPNameAddress(parsing: headers["From"] ?? "")
        _ = try SIPNameAddress(parsing: headers["To"] ?? "")
    }

    private static func parseStartLine(
        _ line: String, headers: SIPHeaders, body: [UInt8]
    ) throws(SIPError) -> SIPMessage {
        if line.hasPrefix("SIP/") {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[0].uppercased() == "SIP/2.0",
                let status = SIPSyntax.decimal(parts[1], maximumDigits: 3), (100...699).contains(status)
            else { throw SIPError(.malformed, "bad status line") }
            let reason = parts.count == 3 ? String(parts[2]) : ""
            return .response(SIPResponse(status: status, reason: reason, headers: headers, body: body))
        }
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, SIPSyntax.isToken(parts[0]), parts[2].uppercased() == "SIP/2.0" else {
            throw SIPError(.malformed, "bad request line")
        }
        let uri = try SIPURI(parsing: String(parts[1]))
        return .request(SIPRequest(method: SIPMethod(String(parts[0])), uri: uri, headers: headers, body: body))
    }
}
