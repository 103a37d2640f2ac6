/// Which shadow: the classic (unnamed) shadow of a thing, or one of its named shadows. The names are
/// validated as AWS IoT's API does: a thing name is 1–128 characters of `[a-zA-Z0-9:_-]`, a shadow
/// name 1–64 characters of `[$a-zA-Z0-9:_-]` (UpdateThingShadow, "AWS IoT Core endpoints and quotas").
public struct ShadowID: Hashable, Sendable, CustomStringConvertible {
    /// The longest thing name, in bytes.
    public static let maximumThingNameBytes = 128
    /// The longest shadow name, in bytes.
    public static let maximumShadowNameBytes = 64

    /// The thing the shadow belongs to.
    public let thingName: String
    /// The shadow's name, or `nil` for the classic shadow.
    public let shadowName: String?

    /// Validates the names; `shadowName` `nil` means the classic shadow.
    public init(thingName: String, shadowName: String? = nil) throws(ShadowNameError) {
        try Self.validateThingName(thingName)
        if let shadowName { try Self.validateShadowName(shadowName) }
        self.thingName = thingName
        self.shadowName = shadowName
    }

    /// Checks a thing name: 1–128 characters of `a-z A-Z 0-9 : _ -`.
    public static func validateThingName(_ name: String) throws(ShadowNameError) {
        try validate(name, maximum: maximumThingNameBytes, allowsDollar: false, code: .invalidThingName)
    }

    /// Checks a shadow name: 1–64 characters of `a-z A-Z 0-9 : _ - $`.
    public static func validateShadowName(_ name: String) throws(ShadowNameError) {
        try validate(name, maximum: maximumShadowNameBytes, allowsDollar: true, code: .invalidShadowName)
    }

    private static func validate(
        _ name: String, maximum: Int, allowsDollar: Bool, code: ShadowNameError.Code
    ) throws(ShadowNameError) {
        let bytes = name.utf8
        if bytes.isEmpty { throw ShadowNameError(code: code, reason: .empty) }
        if bytes.count > maximum { throw ShadowNameError(code: code, reason: .tooLong) }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: ":"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            case UInt8(ascii: "$") where allowsDollar:
                continue
            default:
                throw ShadowNameError(code: code, reason: .invalidCharacter)
            }
        }
    }

    /// Whether this is the classic (unnamed) shadow.
    public var isClassic: Bool { shadowName == nil }

    /// The name AWS quotes in "No shadow exists with name: '…'": the shadow name, or the thing name
    /// for the classic shadow.
    public var displayName: String { shadowName ?? thingName }

    /// `thing` for the classic shadow, `thing/shadow` for a named one.
    public var description: String {
        guard let shadowName else { return thingName }
        return "\(thingName)/\(shadowName)"
    }
}
