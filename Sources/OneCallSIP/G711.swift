/// ITU-T G.711 companding: 16-bit linear PCM to and from 8-bit µ-law and A-law.
public enum G711 {
    /// µ-law (North America, Japan): the octet for a linear sample.
    public static func muLaw(fromLinear sample: Int16) -> UInt8 {
        let bias = 0x84
        let clip = 32_635
        var magnitude = Int(sample)
        let sign: Int
        if magnitude < 0 {
            magnitude = -magnitude
            sign = 0x80
        } else {
            sign = 0
        }
        magnitude = min(magnitude, clip) + bias
        var exponent = 7
        var mask = 0x4000
        while exponent > 0, magnitude & mask == 0 {
            exponent -= 1
            mask >>= 1
        }
        let mantissa = (magnitude >> (exponent + 3)) & 0x0F
        return ~UInt8(sign | (exponent << 4) | mantissa)
    }

    /// µ-law: the linear sample an octet stands for.
    public static func linear(fromMuLaw octet: UInt8) -> Int16 {
        let value = Int(~octet)
        let sign = value & 0x80
        let exponent = (value >> 4) & 0x07
        let mantissa = value & 0x0F
        let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
        return Int16(sign != 0 ? -magnitude : magnitude)
    }

    /// A-law (Europe and most of the world): the octet for a linear sample.
    public static func aLaw(fromLinear sample: Int16) -> UInt8 {
        // A-law works on 13-bit magnitudes.
        var magnitude = Int(sample) >> 3
        let sign: Int
        if magnitude >= 0 {
            sign = 0x80
        } else {
            sign = 0
            magnitude = -magnitude - 1
        }
        var result: Int
        if magnitude < 32 {
            result = magnitude >> 1
        } else {
            var exponent = 1
            var limit = 64
            while exponent < 7, magnitude >= limit {
                exponent += 1
                limit <<= 1
            }
            magnitude = min(magnitude, 4095)
            result = (exponent << 4) | ((magnitude >> exponent) & 0x0F)
        }
        return UInt8((result | sign) ^ 0x55)
    }

    /// A-law: the linear sample an octet stands for.
    public static func linear(fromALaw octet: UInt8) -> Int16 {
        let value = Int(octet ^ 0x55)
        let exponent = (value >> 4) & 0x07
        let mantissa = value & 0x0F
        var magnitude = (mantissa << 4) + 8
        if exponent != 0 { magnitude = (magnitude + 0x100) << (exponent - 1) }
        return Int16(value & 0x80 != 0 ? magnitude : -magnitude)
    }
}
