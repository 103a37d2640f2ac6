/// A SIP request method (RFC 3261 §7.1); methods are case-sensitive tokens.
public struct SIPMethod: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The method token as sent, such as `INVITE`.
    public var rawValue: String

    /// Creates a method from its token.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Creates a method from its token.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// INVITE: starts a session.
    public static let invite = SIPMethod("INVITE")
    /// ACK: confirms a final response to INVITE.
    public static let ack = SIPMethod("ACK")
    /// BYE: ends a session.
    public static let bye = SIPMethod("BYE")
    /// CANCEL: abandons a pending INVITE.
    public static let cancel = SIPMethod("CANCEL")
    /// OPTIONS: asks for capabilities; also a keep-alive.
    public static let options = SIPMethod("OPTIONS")
    /// REGISTER: binds an address of record to a contact.
    public static let register = SIPMethod("REGISTER")
    /// INFO: mid-dialog information such as DTMF (RFC 6086).
    public static let info = SIPMethod("INFO")
    /// UPDATE: changes session parameters before or after answer (RFC 3311).
    public static let update = SIPMethod("UPDATE")

    public var description: String { rawValue }
}
