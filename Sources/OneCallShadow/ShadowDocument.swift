import OneCallCore

/// A shadow's document: the `desired` and `reported` state, a metadata tree that mirrors each with a
/// `{"timestamp": epochSeconds}` for every leaf (an array of them for an array value), and the version
/// ("Device Shadow service documents"). A section is absent rather than empty; so is any object
/// left empty by an update.
///
/// A value type: updates return a new document (see ``ShadowService``); nothing here reads a clock.
public struct ShadowDocument: Sendable, Hashable {
    /// The desired state, or `nil` when there is none.
    public internal(set) var desired: JSONObject?
    /// The reported state, or `nil` when there is none.
    public internal(set) var reported: JSONObject?
    /// The timestamps of the desired state, in the same shape.
    public internal(set) var desiredMetadata: JSONObject?
    /// The timestamps of the reported state, in the same shape.
    public internal(set) var reportedMetadata: JSONObject?
    /// The document version: 1 for a new shadow, one more after every accepted update.
    public internal(set) var version: Int64
    /// When the document was last updated, in epoch seconds.
    public internal(set) var timestamp: Int64

    /// A document holding `desired` and `reported`, every value stamped with `timestamp`. `null`
    /// members and empty objects are dropped, as an update would drop them.
    public init(desired: JSONObject? = nil, reported: JSONObject? = nil, version: Int64 = 1, timestamp: Int64) {
        self.version = version
        self.timestamp = timestamp
        if let desired { applyDesired(.object(desired), now: timestamp) }
        if let reported { applyReported(.object(reported), now: timestamp) }
    }

    init(
        desired: JSONObject?, reported: JSONObject?, desiredMetadata: JSONObject?, reportedMetadata: JSONObject?,
        version: Int64, timestamp: Int64
    ) {
        self.desired = desired
        self.reported = reported
        self.desiredMetadata = desiredMetadata
        self.reportedMetadata = reportedMetadata
        self.version = version
        self.timestamp = timestamp
    }

    /// An empty document at `version`.
    static func empty(version: Int64, timestamp: Int64) -> ShadowDocument {
        ShadowDocument(
            desired: nil, reported: nil, desiredMetadata: nil, reportedMetadata: nil, version: version,
            timestamp: timestamp)
    }

    /// The delta: the desired values that differ from the reported ones, or `nil` when there are none.
    /// Desired keys missing from `reported` are included; keys only in `reported` never are; nested
    /// objects are compared key by key and arrays as whole values ("Delta state").
    public var delta: JSONObject? { deltaWithMetadata?.state }

    /// The size that counts against ``ShadowLimits/maximumStateBytes``: the compact JSON text of the
    /// `desired` and `reported` sections.
    public var stateByteCount: Int { JSONValue.object(stateSections()).jsonBytes.count }

    /// The nesting depth of the deeper section, counting the section's own object as 1.
    public var stateDepth: Int {
        max(desired.map { JSONValue.object($0).depth } ?? 0, reported.map { JSONValue.object($0).depth } ?? 0)
    }

    /// `{"desired":…,"reported":…}` with the sections that exist.
    func stateSections() -> JSONObject {
        var state = JSONObject()
        if let desired { state["desired"] = .object(desired) }
        if let reported { state["reported"] = .object(reported) }
        return state
    }

    /// `{"desired":…,"reported":…}` of the metadata, for the sections that exist.
    func metadataSections() -> JSONObject {
        var metadata = JSONObject()
        if desired != nil { metadata["desired"] = .object(desiredMetadata ?? JSONObject()) }
        if reported != nil { metadata["reported"] = .object(reportedMetadata ?? JSONObject()) }
        return metadata
    }
}
