/// A device in the registry: the reference's dimensions (where it is, who owns the site and how to
/// reach them) plus its type, credentials and status.
public struct Device: Sendable, Hashable {
    /// The device's identifier, which is also its MQTT client id and thing name.
    public var id: String
    public var type: String
    public var address: String?
    public var city: String?
    public var state: String?
    public var zip: String?
    public var country: String?
    public var siteOwner: String?
    /// How to reach the site owner (a phone number in E.164 form, usually).
    public var siteOwnerContact: String?
    /// Further attributes, kept as given.
    public var attributes: JSONObject
    /// A password hash in `mosquitto_passwd` form, when the device authenticates with a password.
    public var passwordHash: String?
    /// When the device was registered and last changed, in seconds since 1970.
    public var createdAt: Double
    public var updatedAt: Double
    /// When a reading from the device was last stored, in seconds since 1970.
    public var lastSeen: Double?
    /// Whether the device was registered automatically on its first reading.
    public var autoRegistered: Bool

    public init(
        id: String, type: String, address: String? = nil, city: String? = nil, state: String? = nil,
        zip: String? = nil, country: String? = nil, siteOwner: String? = nil, siteOwnerContact: String? = nil,
        attributes: JSONObject = JSONObject(), passwordHash: String? = nil, createdAt: Double, updatedAt: Double,
        lastSeen: Double? = nil, autoRegistered: Bool = false
    ) {
        self.id = id
        self.type = type
        self.address = address
        self.city = city
        self.state = state
        self.zip = zip
        self.country = country
        self.siteOwner = siteOwner
        self.siteOwnerContact = siteOwnerContact
        self.attributes = attributes
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastSeen = lastSeen
        self.autoRegistered = autoRegistered
    }
}
