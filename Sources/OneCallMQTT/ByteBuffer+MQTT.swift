import NIOCore

/// MQTT's variable byte integer (§1.5.5): 1 to 4 bytes, up to 268,435,455.
enum MQTTVariableInteger {
    /// The largest value that fits.
    static let maximum = 268_435_455

    /// How many bytes encode `value`.
    static func size(of value: Int) -> Int {
        switch value {
        case ..<128: 1
        case ..<16_384: 2
        case ..<2_097_152: 3
        default: 4
        }
    }
}

extension ByteBuffer {
    mutating func readMQTTVariableInteger() throws(MQTTCodecError) -> Int {
        var value = 0
        var multiplier = 1
        for _ in 0..<4 {
            guard let byte: UInt8 = readInteger() else {
                throw MQTTCodecError(.malformedPacket, "truncated variable byte integer")
            }
            value += Int(byte & 0x7F) * multiplier
            if byte & 0x80 == 0 { return value }
            multiplier *= 128
        }
        throw MQTTCodecError(.malformedPacket, "variable byte integer longer than 4 bytes")
    }

    mutating func writeMQTTVariableInteger(_ value: Int) {
        var v = value
        repeat {
            var byte = UInt8(v & 0x7F)
            v >>= 7
            if v > 0 { byte |= 0x80 }
            writeInteger(byte)
        } while v > 0
    }

    mutating func readMQTTByte() throws(MQTTCodecError) -> UInt8 {
        guard let v: UInt8 = readInteger() else { throw MQTTCodecError(.malformedPacket, "truncated packet") }
        return v
    }

    mutating func readMQTTBooleanByte() throws(MQTTCodecError) -> UInt8 {
        let v = try readMQTTByte()
        guard v <= 1 else { throw MQTTCodecError(.protocolError, "boolean property must be 0 or 1") }
        return v
    }

    mutating func readMQTTUInt16() throws(MQTTCodecError) -> UInt16 {
        guard let v: UInt16 = readInteger() else { throw MQTTCodecError(.malformedPacket, "truncated packet") }
        return v
    }

    mutating func readMQTTUInt32() throws(MQTTCodecError) -> UInt32 {
        guard let v: UInt32 = readInteger() else { throw MQTTCodecError(.malformedPacket, "truncated packet") }
        return v
    }

    /// Reads a UTF-8 encoded string (§1.5.4): valid UTF-8, no U+0000.
    mutating func readMQTTString() throws(MQTTCodecError) -> String {
        let length = Int(try readMQTTUInt16())
        guard readableBytes >= length else { throw MQTTCodecError(.malformedPacket, "string exceeds packet") }
        let string: String?
        do {
            string = try readUTF8ValidatedString(length: length)
        } catch {
            throw MQTTCodecError(.malformedPacket, "string is not valid UTF-8")
        }
        guard let string else { throw MQTTCodecError(.malformedPacket, "string exceeds packet") }
        if string.utf8.contains(0) { throw MQTTCodecError(.malformedPacket, "string contains U+0000") }
        return string
    }

    mutating func readMQTTBinary() throws(MQTTCodecError) -> [UInt8] {
        let length = Int(try readMQTTUInt16())
        guard let bytes = readBytes(length: length) else {
            throw MQTTCodecError(.malformedPacket, "binary data exceeds packet")
        }
        return bytes
    }

    mutating func writeMQTTString(_ string: String) {
        writeInteger(UInt16(truncatingIfNeeded: string.utf8.count))
        writeString(string)
    }

    mutating func writeMQTTBinary(_ bytes: [UInt8]) {
        writeInteger(UInt16(truncatingIfNeeded: bytes.count))
        writeBytes(bytes)
    }
}
