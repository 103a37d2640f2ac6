import OneCallCore

/// Where the device registry is kept.
public protocol DeviceStore: Sendable {
    /// Every device, ordered by identifier.
    func devices() async throws -> [Device]

    /// One device, or `nil`.
    func device(id: String) async throws -> Device?

    /// Creates the device, or replaces the one with the same identifier.
    func save(_ device: Device) async throws

    /// Creates or replaces many devices in one transaction.
    func save(_ devices: [Device]) async throws

    /// Deletes a device; returns whether it existed.
    func deleteDevice(id: String) async throws -> Bool
}
