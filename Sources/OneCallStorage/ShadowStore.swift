import OneCallCore

/// A shadow document as stored: the shadow module's JSON form, opaque to the store.
public struct StoredShadow: Sendable, Hashable {
    public var thingName: String
    /// The named shadow, or `""` for the classic shadow.
    public var shadowName: String
    public var version: Int64
    public var document: [UInt8]

    public init(thingName: String, shadowName: String, version: Int64, document: [UInt8]) {
        self.thingName = thingName
        self.shadowName = shadowName
        self.version = version
        self.document = document
    }
}

/// Where device shadows are kept.
public protocol ShadowStore: Sendable {
    /// The shadow, or `nil`.
    func shadow(thingName: String, shadowName: String) async throws -> StoredShadow?

    /// Creates or replaces a shadow.
    func save(_ shadow: StoredShadow) async throws

    /// Deletes a shadow; returns whether it existed.
    func deleteShadow(thingName: String, shadowName: String) async throws -> Bool

    /// The names of a thing's named shadows (not the classic one), in order.
    func shadowNames(thingName: String) async throws -> [String]
}
