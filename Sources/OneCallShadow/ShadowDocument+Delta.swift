import OneCallCore

extension ShadowDocument {
    /// The delta and its metadata (the desired metadata of the delta's fields), or `nil` when the
    /// delta is empty.
    var deltaWithMetadata: (state: JSONObject, metadata: JSONObject)? {
        guard let desired else { return nil }
        let result = Self.delta(desired: desired, metadata: desiredMetadata ?? JSONObject(), reported: reported)
        return result.state.isEmpty ? nil : result
    }

    /// Walks every field of `desired` and keeps those whose value differs from `reported`: a field
    /// missing from `reported` is kept, two objects are compared field by field (so the delta holds
    /// the path from the root), anything else is compared as a whole value.
    static func delta(
        desired: JSONObject, metadata: JSONObject, reported: JSONObject?
    ) -> (state: JSONObject, metadata: JSONObject) {
        var state = JSONObject()
        var stamps = JSONObject()
        for member in desired {
            let key = member.key
            let reportedValue = reported?[key]
            if case .object(let desiredObject) = member.value, case .object(let reportedObject)? = reportedValue {
                let nested = delta(
                    desired: desiredObject, metadata: metadata[key]?.objectValue ?? JSONObject(),
                    reported: reportedObject)
                if !nested.state.isEmpty {
                    state[key] = .object(nested.state)
                    stamps[key] = .object(nested.metadata)
                }
            } else if reportedValue != member.value {
                state[key] = member.value
                if let stamp = metadata[key] { stamps[key] = stamp }
            }
        }
        return (state, stamps)
    }
}
