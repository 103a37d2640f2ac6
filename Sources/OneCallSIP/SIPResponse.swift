/// A SIP response: status code, reason phrase, header fields and body (RFC 3261 §7.2).
public struct SIPResponse: Sendable, Hashable {
    /// The status code, 100 through 699.
    public var status: Int
    /// The reason phrase as sent (may be empty).
    public var reason: String
    /// The header fields.
    public var headers: SIPHeaders
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, reason: String, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// The status line without its CR LF.
    public var startLine: String { "SIP/2.0 \(status) \(reason)" }

    /// Whether this is a provisional (1xx) response.
    public var isProvisional: Bool { status < 200 }

    /// Whether this is a success (2xx) response.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The usual reason phrase of a status code.
    public static func defaultReason(_ status: Int) -> String {
        switch status {
        case 100: return "Trying"
        case 180: return "Ringing"
        case 183: return "Session Progress"
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 407: return "Proxy Authentication Required"
        case 408: return "Request Timeout"
        case 415: return "Unsupported Media Type"
        case 480: return "Temporarily Unavailable"
        case 481: return "Call/Transaction Does Not Exist"
        case 486: return "Busy Here"
        case 487: return "Request Terminated"
        case 488: return "Not Acceptable Here"
        case 500: return "Server Internal Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 600: return "Busy Everywhere"
        case 603: return "Decline"
        default: return status < 200 ? "Progress" : status < 300 ? "OK" : "Error"
        }
    }
}
