import Foundation

/// Wall-clock time, injected so that windows, expiries and retries can be tested instantly.
public protocol WallClock: Sendable {
    /// Seconds since 1970-01-01T00:00:00Z.
    func now() -> Double
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    /// Creates the system clock.
    public init() {}

    public func now() -> Double { Date().timeIntervalSince1970 }
}
