/// Random identifiers and tokens as lowercase hexadecimal text.
public enum RandomText {
    /// The bytes as lowercase hexadecimal, two characters each.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { byte -> String in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
    }

    /// `count` random bytes from the system's random source, as hexadecimal (2 × `count` characters).
    public static func hex(randomBytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
