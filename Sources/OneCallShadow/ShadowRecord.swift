import OneCallCore

/// What the store keeps for one shadow: a live document, or — after a delete — the deleted
/// document's version, which a shadow re-created under the same name continues from while the
/// deletion is recent ("Interacting with shadows": "the version number of the new device shadow
/// document will follow that of the deleted one").
public enum ShadowRecord: Sendable, Hashable {
    /// The shadow exists.
    case live(ShadowDocument)
    /// The shadow was deleted at `deletedAt` (epoch seconds) when its version was `version`.
    case deleted(version: Int64, deletedAt: Int64)

    /// The live document, or `nil` for a deleted shadow.
    public var document: ShadowDocument? {
        if case .live(let document) = self { return document }
        return nil
    }

    /// The live document's version, or the version the shadow had when deleted.
    public var version: Int64 {
        switch self {
        case .live(let document): return document.version
        case .deleted(let version, _): return version
        }
    }

    /// Whether this is a deletion older than the retention, which the app may forget: a shadow
    /// created after it starts again at version 1.
    public func isExpired(now: Int64, limits: ShadowLimits = .default) -> Bool {
        guard case .deleted(_, let deletedAt) = self else { return false }
        return now - deletedAt >= limits.deletedVersionRetention
    }

    /// The form the app persists: a document's ``ShadowDocument/storedJSON``, or
    /// `{"version":N,"deletedAt":T}` for a deletion.
    public var storedJSON: JSONValue {
        switch self {
        case .live(let document): return document.storedJSON
        case .deleted(let version, let deletedAt): return ["version": .int(version), "deletedAt": .int(deletedAt)]
        }
    }

    /// Reads ``storedJSON`` back; a form that cannot be read throws a 500 error.
    public init(stored: JSONValue) throws(ShadowError) {
        if let deletedAt = stored["deletedAt"] {
            guard let at = deletedAt.intValue, let version = stored["version"]?.intValue, version >= 0 else {
                throw .internalFailure(detail: "stored shadow deletion has no valid version or time")
            }
            self = .deleted(version: version, deletedAt: at)
        } else {
            self = .live(try ShadowDocument(stored: stored))
        }
    }
}
