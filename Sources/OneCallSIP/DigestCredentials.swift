/// A user name and password for digest authentication; ``description`` hides the password.
public struct DigestCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The user name (authorization user), often the account or extension number.
    public var username: String
    /// The password; a secret, never logged.
    public var password: String

    /// Creates credentials.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "DigestCredentials(username: \(username), password: <secret>)" }
}
