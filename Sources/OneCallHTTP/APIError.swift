import Hummingbird
import NIOCore
import OneCallCore

/// An error the REST API answers with: an HTTP status and a JSON body
/// `{"error": {"code": "...", "message": "..."}}`.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// A stable, machine-readable code such as `not_found` or `invalid_json`.
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: JSONValue = ["error": ["code": .string(code), "message": .string(message)]]
        return JSONResponse.make(body, status: status)
    }

    static func badRequest(_ message: String, code: String = "invalid_request") -> APIError {
        APIError(.badRequest, code: code, message)
    }

    static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not_found", message) }
}

/// JSON in and out of the REST API.
public enum JSONResponse {
    /// A response whose body is `value`'s JSON text.
    public static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        bytes(value.jsonBytes, status: status)
    }

    /// A response whose body is JSON text already encoded.
    public static func bytes(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        buffer.writeInteger(UInt8(0x0A))
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: buffer))
    }

    /// The request body, refused with 413 beyond `limit` bytes.
    static func body(of request: Request, limit: Int) async throws -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, code: "payload_too_large", "the body exceeds \(limit) bytes")
        }
    }

    /// The request body as a JSON value.
    static func json(of request: Request, limit: Int) async throws -> JSONValue {
        let bytes = try await body(of: request, limit: limit)
        do {
            return try JSONValue(parsing: bytes, limits: JSONParseLimits(maximumBytes: limit, maximumDepth: 32))
        } catch {
            throw APIError.badRequest(error.description, code: "invalid_json")
        }
    }

    /// The request body as a JSON object.
    static func object(of request: Request, limit: Int) async throws -> JSONObject {
        guard let object = try await json(of: request, limit: limit).objectValue else {
            throw APIError.badRequest("the body must be a JSON object", code: "invalid_json")
        }
        return object
    }
}
