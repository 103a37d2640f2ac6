/// A command the client sends (RFC 5321 §4.1, RFC 3207, RFC 4954). ``line`` is the wire text;
/// ``description`` hides SASL responses, which carry credentials.
public enum SMTPCommand: Sendable, Hashable, CustomStringConvertible {
    /// `EHLO domain`.
    case ehlo(String)
    /// `HELO domain`, for servers that do not know EHLO.
    case helo(String)
    /// `STARTTLS`.
    case startTLS
    /// `AUTH mechanism [initial-response]`; the response is Base64.
    case auth(mechanism: String, initialResponse: String?)
    /// A Base64 answer to a 334 challenge.
    case authResponse(String)
    /// `MAIL FROM:<reverse-path>`, with `SIZE=` when the server announced SIZE.
    case mail(from: String, size: Int?)
    /// `RCPT TO:<forward-path>`.
    case rcpt(to: String)
    /// `DATA`.
    case data
    /// `RSET`.
    case rset
    /// `NOOP`.
    case noop
    /// `QUIT`.
    case quit

    /// The command as sent, without CR LF.
    public var line: String {
        switch self {
        case .ehlo(let domain): return "EHLO \(domain)"
        case .helo(let domain): return "HELO \(domain)"
        case .startTLS: return "STARTTLS"
        case .auth(let mechanism, let response?): return "AUTH \(mechanism) \(response)"
        case .auth(let mechanism, nil): return "AUTH \(mechanism)"
        case .authResponse(let response): return response
        case .mail(let from, let size?): return "MAIL FROM:<\(from)> SIZE=\(size)"
        case .mail(let from, nil): return "MAIL FROM:<\(from)>"
        case .rcpt(let to): return "RCPT TO:<\(to)>"
        case .data: return "DATA"
        case .rset: return "RSET"
        case .noop: return "NOOP"
        case .quit: return "QUIT"
        }
    }

    /// The verb alone (`MAIL`, `RCPT`, …), safe to log.
    public var verb: String {
        switch self {
        case .ehlo: return "EHLO"
        case .helo: return "HELO"
        case .startTLS: return "STARTTLS"
        case .auth: return "AUTH"
        case .authResponse: return "AUTH response"
        case .mail: return "MAIL"
        case .rcpt: return "RCPT"
        case .data: return "DATA"
        case .rset: return "RSET"
        case .noop: return "NOOP"
        case .quit: return "QUIT"
        }
    }

    public var description: String {
        switch self {
        case .auth(let mechanism, let response): return "AUTH \(mechanism)" + (response == nil ? "" : " <redacted>")
        case .authResponse: return "<redacted>"
        default: return line
        }
    }
}
