/// The quoted-printable transfer encoding (RFC 2045 §6.7): 7-bit lines of at most 76 characters.
public enum QuotedPrintable {
    /// The longest encoded line, not counting CR LF.
    public static let maximumLineLength = 76

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Encodes text lines (the line breaks are CR LF in the result, never encoded): bytes outside
    /// printable ASCII and `=` become `=XY`, white space at a line end is encoded, and long lines
    /// are broken with soft breaks (`=` at the end).
    public static func encode(lines: [[UInt8]]) -> [UInt8] {
        var output: [UInt8] = []
        for line in lines {
            var length = 0
            for (index, byte) in line.enumerated() {
                let isLast = index == line.count - 1
                let literal =
                    (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == 0x20 || byte == 0x09) && !isLast)
                let width = literal ? 1 : 3
                // Keep room for the soft break `=`, unless this is the last character of the line.
                let room = isLast ? maximumLineLength : maximumLineLength - 1
                if length + width > room {
                    output += [UInt8(ascii: "="), 13, 10]
                    length = 0
                }
                if literal {
                    output.append(byte)
                } else {
                    output += [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                }
                length += width
            }
            output += [13, 10]
        }
        return output
    }

    /// Decodes quoted-printable text (soft breaks removed, `=XY` turned into bytes), or `nil` if it
    /// holds a malformed escape. Line breaks are kept as they are.
    public static func decode(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "=") else {
                output.append(byte)
                index += 1
                continue
            }
            if index + 1 < bytes.count, bytes[index + 1] == 10 {
                index += 2
            } else if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 {
                index += 3
            } else if index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else if index == bytes.count - 1 {
                index += 1
            } else {
                return nil
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
