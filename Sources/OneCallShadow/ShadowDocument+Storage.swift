import OneCallCore

extension ShadowDocument {
    /// The form the app persists: `{"state":{…},"metadata":{…},"version":N,"timestamp":T}`.
    public var storedJSON: JSONValue {
        var stored = JSONObject()
        stored["state"] = .object(stateSections())
        stored["metadata"] = .object(metadataSections())
        stored["version"] = .int(version)
        stored["timestamp"] = .int(timestamp)
        return .object(stored)
    }

    /// Reads ``storedJSON`` back. A stored form that cannot be read throws a 500 error whose detail
    /// says why; a section without metadata gets the document's timestamp on every field.
    public init(stored: JSONValue) throws(ShadowError) {
        guard case .object(let object) = stored else {
            throw .internalFailure(detail: "stored shadow is not an object")
        }
        guard let version = object["version"]?.intValue, version >= 0 else {
            throw .internalFailure(detail: "stored shadow has no valid version")
        }
        guard let timestamp = object["timestamp"]?.intValue else {
            throw .internalFailure(detail: "stored shadow has no valid timestamp")
        }
        let state = try Self.storedObject(object["state"], name: "state") ?? JSONObject()
        let metadata = try Self.storedObject(object["metadata"], name: "metadata") ?? JSONObject()
        var document = ShadowDocument.empty(version: version, timestamp: timestamp)
        if let desired = try Self.storedObject(state["desired"], name: "state.desired"), !desired.isEmpty {
            document.desired = desired
            document.desiredMetadata =
                try Self.storedObject(metadata["desired"], name: "metadata.desired")
                ?? Self.leafMetadata(.object(desired), now: timestamp).objectValue
        }
        if let reported = try Self.storedObject(state["reported"], name: "state.reported"), !reported.isEmpty {
            document.reported = reported
            document.reportedMetadata =
                try Self.storedObject(metadata["reported"], name: "metadata.reported")
                ?? Self.leafMetadata(.object(reported), now: timestamp).objectValue
        }
        self = document
    }

    private static func storedObject(_ value: JSONValue?, name: String) throws(ShadowError) -> JSONObject? {
        switch value {
        case nil, .null?: return nil
        case .object(let object)?: return object
        default: throw .internalFailure(detail: "stored shadow's \(name) is not an object")
        }
    }
}
