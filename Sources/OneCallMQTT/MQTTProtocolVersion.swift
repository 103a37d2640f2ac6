/// The MQTT protocol levels OneCall speaks.
public enum MQTTProtocolVersion: UInt8, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// MQTT 3.1 (protocol name `MQIsdp`, level 3).
    case v3_1 = 3
    /// MQTT 3.1.1 (level 4).
    case v3_1_1 = 4
    /// MQTT 5.0 (level 5).
    case v5 = 5

    /// The protocol name carried in CONNECT.
    public var protocolName: String { self == .v3_1 ? "MQIsdp" : "MQTT" }

    public var description: String {
        switch self {
        case .v3_1: "3.1"
        case .v3_1_1: "3.1.1"
        case .v5: "5.0"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The quality-of-service levels of MQTT delivery.
public enum MQTTQoS: UInt8, Sendable, Hashable, Comparable, CaseIterable {
    /// At most once.
    case atMostOnce = 0
    /// At least once.
    case atLeastOnce = 1
    /// Exactly once.
    case exactlyOnce = 2

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
