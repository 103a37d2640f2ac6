import OneCallCore

/// Why a shadow request was refused: an HTTP status code and AWS's documented message, as published
/// on `…/rejected` and returned by the REST API ("Device Shadow error messages").
public struct ShadowError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The HTTP status codes the Device Shadow service answers with.
    public enum Code: Int, Sendable, Hashable {
        case badRequest = 400
        case unauthorized = 401
        case forbidden = 403
        case notFound = 404
        case methodNotAllowed = 405
        case conflict = 409
        case payloadTooLarge = 413
        case unsupportedMediaType = 415
        case tooManyRequests = 429
        case internalFailure = 500
    }

    /// The status code, also the `code` member of the error document.
    public var code: Code
    /// AWS's message text; safe to show and to log.
    public var message: String
    /// The request's client token, echoed in the error document when the request carried a valid one.
    public var clientToken: String?
    /// What exactly went wrong, for logs at debug level only (it may quote stored data).
    public var detail: String?

    /// Creates an error.
    public init(code: Code, message: String, clientToken: String? = nil, detail: String? = nil) {
        self.code = code
        self.message = message
        self.clientToken = clientToken
        self.detail = detail
    }

    /// The HTTP status for the REST API.
    public var httpStatus: Int { code.rawValue }

    /// The error response document: `{"code":…,"message":…,"timestamp":…,"clientToken":…}`.
    public func payload(timestamp: Int64) -> JSONValue {
        var object = JSONObject()
        object["code"] = .int(Int64(code.rawValue))
        object["message"] = .string(message)
        object["timestamp"] = .int(timestamp)
        if let clientToken { object["clientToken"] = .string(clientToken) }
        return .object(object)
    }

    /// This error carrying `clientToken`.
    public func echoing(_ clientToken: String?) -> ShadowError {
        var copy = self
        copy.clientToken = clientToken
        return copy
    }

    /// The code and AWS's message, such as `409 Version conflict`.
    public var description: String { "\(code.rawValue) \(message)" }

    /// The description with the detail, for debug-level logs.
    public var debugDescription: String {
        guard let detail else { return description }
        return "\(description) (\(detail))"
    }
}

extension ShadowError {
    /// 400: the payload is not a JSON object.
    public static let invalidJSON = ShadowError(code: .badRequest, message: "Invalid JSON")
    /// 400: an update without `state`.
    public static let missingState = ShadowError(code: .badRequest, message: "Missing required node: state")
    /// 400: `state` is not an object.
    public static let stateNotObject = ShadowError(code: .badRequest, message: "State node must be an object")
    /// 400: `state.desired` is neither an object nor `null`.
    public static let desiredNotObject = ShadowError(code: .badRequest, message: "Desired node must be an object")
    /// 400: `state.reported` is neither an object nor `null`.
    public static let reportedNotObject = ShadowError(
        code: .badRequest, message: "Reported node must be an object")
    /// 400: `version` is not a non-negative integer.
    public static let invalidVersion = ShadowError(code: .badRequest, message: "Invalid version")
    /// 400: `clientToken` is not a string of at most 64 bytes.
    public static let invalidClientToken = ShadowError(code: .badRequest, message: "Invalid clientToken")
    /// 400: `state` holds something other than `desired` and `reported`, or an array holds `null`.
    public static let invalidStateNode = ShadowError(code: .badRequest, message: "State contains an invalid node")
    /// 409: the request's `version` is not the shadow's current version.
    public static let versionConflict = ShadowError(code: .conflict, message: "Version conflict")
    /// 413: the request, or the state it would leave, is over the size limit.
    public static let payloadTooLarge = ShadowError(
        code: .payloadTooLarge, message: "The payload exceeds the maximum size allowed")
    /// 415: a string in the payload is not UTF-8.
    public static let unsupportedEncoding = ShadowError(
        code: .unsupportedMediaType, message: "Unsupported documented encoding; supported encoding is UTF-8")
    /// 405: a REST method other than GET, POST and DELETE.
    public static let methodNotAllowed = ShadowError(
        code: .methodNotAllowed, message: "The specified combination of HTTP verb and URI is not supported")

    /// 400: the desired or reported section nests deeper than `maximum` levels.
    public static func tooDeep(maximum: Int) -> ShadowError {
        ShadowError(code: .badRequest, message: "JSON contains too many levels of nesting; maximum is \(maximum)")
    }

    /// 404: there is no shadow; `name` is the shadow name, or the thing name for a classic shadow.
    public static func noShadow(named name: String) -> ShadowError {
        ShadowError(code: .notFound, message: "No shadow exists with name: '\(name)'")
    }

    /// 500: something that should not happen, such as a stored shadow that cannot be read.
    public static func internalFailure(detail: String) -> ShadowError {
        ShadowError(code: .internalFailure, message: "Internal service failure", detail: detail)
    }
}
