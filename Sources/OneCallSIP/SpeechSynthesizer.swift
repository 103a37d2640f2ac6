/// Turns text into speech for a call: 8 kHz, 16-bit, mono linear PCM samples.
public protocol SpeechSynthesizer: Sendable {
    /// Speaks plain text; throws ``SpeechError`` when it cannot.
    func synthesize(_ text: String) async throws -> [Int16]
}
