/// The chat's limits and defaults. Every input and every list the chat reads has a bound here.
public struct ChatConfiguration: Sendable, Hashable {
    /// The longest message accepted, in UTF-8 bytes (4 KiB).
    public var maximumMessageBytes: Int
    /// The longest session id accepted, in UTF-8 bytes (128).
    public var maximumSessionIDBytes: Int
    /// Sessions kept at once (1,000); the least recently used one is forgotten first.
    public var maximumSessions: Int
    /// Seconds after which an idle session is forgotten (one day).
    public var sessionIdleSeconds: Double
    /// Exchanges kept per session (20).
    public var maximumHistory: Int
    /// Readings read for one summary (10,000); a summary over more says that it was cut.
    public var maximumReadings: Int
    /// Tickets listed in one answer (20).
    public var maximumTickets: Int
    /// Devices scanned for a current error code (1,000).
    public var maximumDevicesScanned: Int
    /// Fields shown for one reading or one summary (24).
    public var maximumFields: Int
    /// Characters of a guide quoted in one answer (1,500).
    public var maximumQuoteCharacters: Int
    /// The window of a telemetry question that names none, in seconds (one hour).
    public var defaultWindowSeconds: Double
    /// The longest window a question may ask for, in seconds (366 days).
    public var maximumWindowSeconds: Double
    /// Values of an error-code field that mean "no error" (`None` and empty, as the reference sends).
    public var noErrorValues: Set<String>

    /// The defaults, each documented on its property.
    public init(
        maximumMessageBytes: Int = 4096, maximumSessionIDBytes: Int = 128, maximumSessions: Int = 1000,
        sessionIdleSeconds: Double = 86_400, maximumHistory: Int = 20, maximumReadings: Int = 10_000,
        maximumTickets: Int = 20, maximumDevicesScanned: Int = 1000, maximumFields: Int = 24,
        maximumQuoteCharacters: Int = 1500, defaultWindowSeconds: Double = 3600,
        maximumWindowSeconds: Double = 366 * 86_400, noErrorValues: Set<String> = ["None", "none", ""]
    ) {
        self.maximumMessageBytes = maximumMessageBytes
        self.maximumSessionIDBytes = maximumSessionIDBytes
        self.maximumSessions = maximumSessions
        self.sessionIdleSeconds = sessionIdleSeconds
        self.maximumHistory = maximumHistory
        self.maximumReadings = maximumReadings
        self.maximumTickets = maximumTickets
        self.maximumDevicesScanned = maximumDevicesScanned
        self.maximumFields = maximumFields
        self.maximumQuoteCharacters = maximumQuoteCharacters
        self.defaultWindowSeconds = defaultWindowSeconds
        self.maximumWindowSeconds = maximumWindowSeconds
        self.noErrorValues = noErrorValues
    }

    /// The defaults.
    public static let `default` = ChatConfiguration()
}
