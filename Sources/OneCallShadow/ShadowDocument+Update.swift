import OneCallCore

extension ShadowDocument {
    /// Merges a request's `desired` node (an object, or `null` to remove the section).
    mutating func applyDesired(_ patch: JSONValue, now: Int64) {
        Self.apply(patch, to: &desired, metadata: &desiredMetadata, now: now)
    }

    /// Merges a request's `reported` node (an object, or `null` to remove the section).
    mutating func applyReported(_ patch: JSONValue, now: Int64) {
        Self.apply(patch, to: &reported, metadata: &reportedMetadata, now: now)
    }

    private static func apply(
        _ patch: JSONValue, to section: inout JSONObject?, metadata: inout JSONObject?, now: Int64
    ) {
        guard case .object(let members) = patch else {
            // `null` removes the whole section ("Empty shadow document properties").
            section = nil
            metadata = nil
            return
        }
        var values = section ?? JSONObject()
        var stamps = section == nil ? JSONObject() : (metadata ?? JSONObject())
        merge(members, into: &values, metadata: &stamps, now: now)
        section = values.isEmpty ? nil : values
        metadata = values.isEmpty ? nil : stamps
    }

    /// Updates only the fields in `patch`: `null` removes a field and its metadata, an object merges
    /// into the object it names, anything else (arrays included) replaces the value. An object left
    /// with no members is removed.
    static func merge(_ patch: JSONObject, into values: inout JSONObject, metadata: inout JSONObject, now: Int64) {
        for member in patch {
            let key = member.key
            switch member.value {
            case .null:
                values[key] = nil
                metadata[key] = nil
            case .object(let nested):
                var child = JSONObject()
                var childMetadata = JSONObject()
                if case .object(let existing)? = values[key] {
                    child = existing
                    childMetadata = metadata[key]?.objectValue ?? JSONObject()
                }
                merge(nested, into: &child, metadata: &childMetadata, now: now)
                if child.isEmpty {
                    values[key] = nil
                    metadata[key] = nil
                } else {
                    values[key] = .object(child)
                    metadata[key] = .object(childMetadata)
                }
            default:
                values[key] = member.value
                metadata[key] = leafMetadata(member.value, now: now)
            }
        }
    }

    /// The metadata of a value written at `now`: `{"timestamp": now}` for a scalar, one entry per
    /// element for an array, and the same shape for an object inside an array.
    static func leafMetadata(_ value: JSONValue, now: Int64) -> JSONValue {
        switch value {
        case .array(let elements):
            return .array(elements.map { leafMetadata($0, now: now) })
        case .object(let object):
            var mirror = JSONObject()
            for member in object { mirror[member.key] = leafMetadata(member.value, now: now) }
            return .object(mirror)
        default:
            return ["timestamp": .int(now)]
        }
    }

    /// The metadata that `/update/accepted` carries for a request node: the request's own shape with
    /// a timestamp for every leaf, including the `null`s that removed fields.
    static func requestMetadata(_ node: JSONValue, now: Int64) -> JSONValue {
        guard case .object(let object) = node else { return leafMetadata(node, now: now) }
        var mirror = JSONObject()
        for member in object { mirror[member.key] = requestMetadata(member.value, now: now) }
        return .object(mirror)
    }
}
