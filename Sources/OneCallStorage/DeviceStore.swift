import OneCallCore

/// Where the device registry is kept.
public protocol DeviceStore: Sendable {
    /// Every device, ordered by identifier.
    func devices() async throws -> [Device]

    /// One device, or `nil`.
    func device(id: String) async throws -> Device?

    /// Creates the device, or replaces the one with the same identifier.
    func save(_ device: Device) async throws

    /// Creates the device unless one with its identifier exists; returns whether it was created.
    func insert(_ device: Device) async throws -> Bool

    /// Creates or replaces many devices in one transaction.
    func save(_ devices: [Device]) async throws

    /// Deletes a device; returns whether it existed.
    func deleteDevice(id: String) async throws -> Bool
}
