/// The transparency procedure of RFC 5321 §4.5.2: a line of message data that starts with `.`
/// gets one more `.` from the client, which the server removes, so that `.` alone ends the data.
public enum SMTPDotStuffing {
    /// The message as sent after DATA: each line that starts with `.` doubled, the text ended by
    /// CR LF (added if missing), then the end marker `.` CR LF. Lines are split at LF.
    public static func stuff(_ message: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(message.count + message.count / 64 + 5)
        var atLineStart = true
        for byte in message {
            if atLineStart && byte == UInt8(ascii: ".") { output.append(UInt8(ascii: ".")) }
            output.append(byte)
            atLineStart = byte == 10
        }
        if !output.isEmpty && !(output.count >= 2 && output[output.count - 2] == 13 && output.last == 10) {
            switch output.last {
            case 13: output.append(10)
            case 10: output.insert(13, at: output.count - 1)
            default: output += [13, 10]
            }
        }
        output += [UInt8(ascii: "."), 13, 10]
        return output
    }

    /// One received data line (without CR LF) with its stuffing undone, or `nil` if it is the end marker.
    public static func unstuff(line: [UInt8]) -> ArraySlice<UInt8>? {
        if line == [UInt8(ascii: ".")] { return nil }
        if line.first == UInt8(ascii: ".") { return line.dropFirst() }
        return line[...]
    }
}
