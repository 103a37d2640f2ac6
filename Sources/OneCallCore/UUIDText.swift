/// Random (version 4) UUIDs as lowercase text, from any random number generator, so that tests and
/// simulations can make them deterministic.
public enum UUIDText {
    /// A new version 4 UUID such as `0f8fad5b-d9cb-469f-a165-70867728950e`.
    public static func random(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { RandomText.hex(bytes[$0]) }.joined(separator: "-")
    }

    /// A new version 4 UUID from the system's random source.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }
}
