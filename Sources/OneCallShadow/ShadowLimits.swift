/// The bounds a shadow request and a shadow document stay within. The defaults are AWS IoT's
/// documented quotas ("AWS IoT Core endpoints and quotas", "Device Shadow service documents",
/// "Device Shadow error messages"); input over a bound is refused with AWS's error code, never stored.
public struct ShadowLimits: Sendable, Hashable {
    /// The largest request payload that is read at all, in bytes; larger payloads get 413 before any
    /// parsing. Default 128 KiB, the AWS IoT message size.
    public var maximumRequestBytes: Int
    /// The largest `desired` plus `reported` state a shadow may hold after an update, measured as the
    /// compact JSON text of `{"desired":…,"reported":…}`; metadata does not count. Default 8 KiB.
    public var maximumStateBytes: Int
    /// The deepest nesting of the `desired` or `reported` section, counting the section's own object
    /// as level 1 (so `{"a":{"b":1}}` is 2). Default 6, as in AWS's error "JSON contains too many
    /// levels of nesting; maximum is 6".
    public var maximumStateDepth: Int
    /// The longest `clientToken`, in UTF-8 bytes. Default 64.
    public var maximumClientTokenBytes: Int
    /// How long, in seconds, a deleted shadow's version is remembered so that a shadow re-created
    /// under the same name continues from it. Default 48 hours.
    public var deletedVersionRetention: Int64

    /// Limits with AWS's defaults unless given.
    public init(
        maximumRequestBytes: Int = 128 * 1024,
        maximumStateBytes: Int = 8 * 1024,
        maximumStateDepth: Int = 6,
        maximumClientTokenBytes: Int = 64,
        deletedVersionRetention: Int64 = 48 * 3600
    ) {
        self.maximumRequestBytes = maximumRequestBytes
        self.maximumStateBytes = maximumStateBytes
        self.maximumStateDepth = maximumStateDepth
        self.maximumClientTokenBytes = maximumClientTokenBytes
        self.deletedVersionRetention = deletedVersionRetention
    }

    /// AWS IoT's documented quotas.
    public static let `default` = ShadowLimits()
}
