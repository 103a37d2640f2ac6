/// Why a thing name or shadow name is not one AWS IoT accepts.
public struct ShadowNameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which name is wrong.
    public enum Code: String, Sendable, Hashable {
        case invalidThingName = "invalid_thing_name"
        case invalidShadowName = "invalid_shadow_name"
    }

    /// What is wrong with it.
    public enum Reason: String, Sendable, Hashable {
        case empty
        case tooLong = "too_long"
        case invalidCharacter = "invalid_character"
    }

    /// Which name is wrong.
    public var code: Code
    /// What is wrong with it.
    public var reason: Reason

    /// Creates an error.
    public init(code: Code, reason: Reason) {
        self.code = code
        self.reason = reason
    }

    /// Which name is wrong and why, without the name itself.
    public var description: String {
        let which = code == .invalidThingName ? "thing name" : "shadow name"
        switch reason {
        case .empty: return "\(which) is empty"
        case .tooLong:
            let limit = code == .invalidThingName ? ShadowID.maximumThingNameBytes : ShadowID.maximumShadowNameBytes
            return "\(which) is longer than \(limit) bytes"
        case .invalidCharacter:
            let allowed = code == .invalidThingName ? "a-z A-Z 0-9 : _ -" : "a-z A-Z 0-9 : _ - $"
            return "\(which) has a character outside \(allowed)"
        }
    }
}
