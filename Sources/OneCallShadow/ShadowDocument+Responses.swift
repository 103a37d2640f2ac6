import OneCallCore

extension ShadowDocument {
    /// The `/get/accepted` document (also the REST GET body): the whole state with its delta, the
    /// metadata of `desired` and `reported`, the version, the response time and the request's token.
    public func getResponse(timestamp: Int64, clientToken: String?) -> JSONValue {
        var state = stateSections()
        if let delta { state["delta"] = .object(delta) }
        var response = JSONObject()
        response["state"] = .object(state)
        response["metadata"] = .object(metadataSections())
        response["version"] = .int(version)
        response["timestamp"] = .int(timestamp)
        if let clientToken { response["clientToken"] = .string(clientToken) }
        return .object(response)
    }

    /// The `/update/delta` document, or `nil` when the delta is empty: the delta as `state`, the
    /// desired metadata of its fields, the version, the time and the update's token.
    public func deltaResponse(timestamp: Int64, clientToken: String?) -> JSONValue? {
        guard let delta = deltaWithMetadata else { return nil }
        var response = JSONObject()
        response["version"] = .int(version)
        response["timestamp"] = .int(timestamp)
        response["state"] = .object(delta.state)
        response["metadata"] = .object(delta.metadata)
        if let clientToken { response["clientToken"] = .string(clientToken) }
        return .object(response)
    }

    /// One side of an `/update/documents` message: state (without delta), metadata and version.
    public var snapshot: JSONValue {
        var snapshot = JSONObject()
        snapshot["state"] = .object(stateSections())
        snapshot["metadata"] = .object(metadataSections())
        snapshot["version"] = .int(version)
        return .object(snapshot)
    }
}
