/// The CSeq header (RFC 3261 §20.16): a sequence number and the request's method.
public struct SIPCSeq: Sendable, Hashable, CustomStringConvertible {
    /// The sequence number, below 2^31.
    public var number: UInt32
    /// The method of the request.
    public var method: SIPMethod

    /// Creates a CSeq.
    public init(_ number: UInt32, _ method: SIPMethod) {
        self.number = number
        self.method = method
    }

    /// The value as written: `1 INVITE`.
    public var description: String { "\(number) \(method.rawValue)" }

    /// Parses `number method`.
    public init(parsing text: String) throws(SIPError) {
        let parts = SIPSyntax.trimmed(text).split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 2, let value = SIPSyntax.decimal(parts[0]), value < 1 << 31,
            SIPSyntax.isToken(parts[1])
        else { throw SIPError(.malformed, "bad CSeq") }
        self.number = UInt32(value)
        self.method = SIPMethod(String(parts[1]))
    }
}
