/// A SIP request or response.
public enum SIPMessage: Sendable, Hashable {
    /// A request.
    case request(SIPRequest)
    /// A response.
    case response(SIPResponse)

    /// The header fields.
    public var headers: SIPHeaders {
        switch self {
        case .request(let request): return request.headers
        case .response(let response): return response.headers
        }
    }

    /// The body.
    public var body: [UInt8] {
        switch self {
        case .request(let request): return request.body
        case .response(let response): return response.body
        }
    }

    /// The start line without its CR LF.
    public var startLine: String {
        switch self {
        case .request(let request): return request.startLine
        case .response(let response): return response.startLine
        }
    }

    /// The message as sent on the wire: start line, each header field as `name: value`, an empty
    /// line, and the body. Header fields are written as they are: builders set Content-Length.
    public func serialized() -> [UInt8] {
        var text = startLine + "\r\n"
        for field in headers { text += field.name + ": " + field.value + "\r\n" }
        text += "\r\n"
        return Array(text.utf8) + body
    }
}
