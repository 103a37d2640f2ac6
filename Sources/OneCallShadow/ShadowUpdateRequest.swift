import OneCallCore

/// A validated update request ("Request state document"): the `desired` and `reported` nodes to
/// merge, the optional `version` for optimistic locking and the optional `clientToken` to echo.
/// Members other than `state`, `version` and `clientToken` are ignored.
public struct ShadowUpdateRequest: Sendable, Hashable {
    /// The `desired` node: an object to merge, `.null` to remove the section, or `nil` when absent.
    public var desired: JSONValue?
    /// The `reported` node: an object to merge, `.null` to remove the section, or `nil` when absent.
    public var reported: JSONValue?
    /// The version the shadow must have for the update to apply, when given.
    public var version: Int64?
    /// The token to echo in every reply to this request.
    public var clientToken: String?

    /// A request from its parts.
    public init(
        desired: JSONValue? = nil, reported: JSONValue? = nil, version: Int64? = nil, clientToken: String? = nil
    ) {
        self.desired = desired
        self.reported = reported
        self.version = version
        self.clientToken = clientToken
    }

    /// Parses and validates a request payload, throwing AWS's error for the first problem found (with
    /// the client token, once it is known to be valid).
    public init(parsing payload: some Collection<UInt8>, limits: ShadowLimits) throws(ShadowError) {
        guard payload.count <= limits.maximumRequestBytes else { throw .payloadTooLarge }
        let document: JSONValue
        do {
            // The section's own level plus `state` and the document itself.
            let parseLimits = JSONParseLimits(
                maximumBytes: limits.maximumRequestBytes, maximumDepth: limits.maximumStateDepth + 2)
            document = try JSONValue(parsing: payload, limits: parseLimits)
        } catch {
            switch error.code {
            case .tooDeep: throw .tooDeep(maximum: limits.maximumStateDepth)
            case .tooLarge: throw .payloadTooLarge
            case .invalidUTF8: throw .unsupportedEncoding
            default: throw ShadowError(code: .badRequest, message: "Invalid JSON", detail: error.description)
            }
        }
        guard case .object(let object) = document else { throw .invalidJSON }

        let clientToken = try Self.clientToken(object["clientToken"], limits: limits)
        do {
            try self.init(object, clientToken: clientToken, limits: limits)
        } catch {
            throw error.echoing(clientToken)
        }
    }

    private init(_ object: JSONObject, clientToken: String?, limits: ShadowLimits) throws(ShadowError) {
        self.clientToken = clientToken
        if let version = object["version"] {
            guard case .int(let value) = version, value >= 0 else { throw .invalidVersion }
            self.version = value
        }
        guard let state = object["state"] else { throw .missingState }
        guard case .object(let members) = state else { throw .stateNotObject }
        for member in members {
            switch member.key {
            case "desired": desired = member.value
            case "reported": reported = member.value
            default: throw .invalidStateNode
            }
        }
        try validate(limits: limits)
    }

    /// Checks the parts against AWS's rules and `limits`: a non-negative version, a short enough
    /// token, sections that are objects or `null`, not too deep, with no `null` in an array.
    public func validate(limits: ShadowLimits) throws(ShadowError) {
        if let clientToken, clientToken.utf8.count > limits.maximumClientTokenBytes { throw .invalidClientToken }
        if let version, version < 0 { throw .invalidVersion }
        if let desired { try Self.validateSection(desired, limits: limits, notObject: .desiredNotObject) }
        if let reported { try Self.validateSection(reported, limits: limits, notObject: .reportedNotObject) }
    }

    /// The `clientToken` member: absent, or a string of at most the limit in bytes.
    static func clientToken(_ value: JSONValue?, limits: ShadowLimits) throws(ShadowError) -> String? {
        guard let value else { return nil }
        guard case .string(let token) = value, token.utf8.count <= limits.maximumClientTokenBytes else {
            throw .invalidClientToken
        }
        return token
    }

    private static func validateSection(
        _ node: JSONValue, limits: ShadowLimits, notObject: ShadowError
    ) throws(ShadowError) {
        switch node {
        case .null: return
        case .object: break
        default: throw notObject
        }
        if node.depth > limits.maximumStateDepth { throw .tooDeep(maximum: limits.maximumStateDepth) }
        if containsNullInArray(node) { throw .invalidStateNode }
    }

    /// Whether any array inside `node` has a `null` element ("Arrays can't have null values").
    private static func containsNullInArray(_ node: JSONValue) -> Bool {
        switch node {
        case .array(let elements): return elements.contains { $0.isNull || containsNullInArray($0) }
        case .object(let object): return object.contains { containsNullInArray($0.value) }
        default: return false
        }
    }
}
