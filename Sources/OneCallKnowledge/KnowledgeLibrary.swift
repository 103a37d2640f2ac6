import Foundation
import Synchronization

/// The knowledge base on disk: the documents as given (Markdown, text, .docx, PDF) in one
/// directory, and an index built from them. Adding a document checks that it converts, then
/// writes it atomically, so the command line and a running server may share the directory; the
/// server sees a change at its next `reloadIfChanged()`. Converted text is cached per file
/// version, so a reload converts only what changed.
public final class KnowledgeLibrary: Sendable {
    /// The most documents a library holds.
    public static let maximumDocuments = 1000

    /// A file's identity for the cache: a change of size or modification time means new content.
    private struct Version: Hashable {
        var size: Int
        var modified: Double
    }

    private struct State {
        var index: KnowledgeIndex
        var versions: [String: Version] = [:]
        var documents: [String: KnowledgeDocument] = [:]
        var failures: [String: String] = [:]
        var generation = 0
    }

    public let directory: String
    public let converter: DocumentConverter
    private let state: Mutex<State>

    /// A library over `directory` (created if missing); call `reloadIfChanged()` to load it.
    public init(directory: String, converter: DocumentConverter = DocumentConverter()) throws(KnowledgeError) {
        self.directory = directory
        self.converter = converter
        self.state = Mutex(State(index: KnowledgeIndex(limits: converter.limits)))
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw KnowledgeError(
                code: .invalidDocument, message: "cannot create the knowledge directory \(directory)",
                detail: "\(error)")
        }
    }

    /// The current index.
    public var index: KnowledgeIndex { state.withLock { $0.index } }

    /// How many times the index was rebuilt: a cache key for anything derived from it.
    public var generation: Int { state.withLock { $0.generation } }

    /// The index and its generation, read together (a cache keyed by the generation then never
    /// holds what it derived from another version of the index).
    public var snapshot: (index: KnowledgeIndex, generation: Int) { state.withLock { ($0.index, $0.generation) } }

    /// Files that are in the directory but could not be converted, with the reason.
    public var failures: [String: String] { state.withLock { $0.failures } }

    /// Whether `name` is acceptable as a document's file name: no path, not hidden, printable,
    /// at most 200 bytes, with an extension a converter reads.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 200, !name.hasPrefix("."), KnowledgeFormat(fileName: name) != nil
        else { return false }
        return !name.unicodeScalars.contains { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }
    }

    /// Adds (or replaces) a document from its bytes; returns it converted. Nothing is written if
    /// it does not convert.
    @discardableResult
    public func add(_ bytes: [UInt8], named name: String) throws(KnowledgeError) -> KnowledgeDocument {
        guard Self.isValidName(name) else {
            throw KnowledgeError(
                code: .unsupportedFormat,
                message: "\(name) is not a valid document name: a file name ending in .md, .txt, .docx or .pdf")
        }
        let document = try converter.convert(bytes, named: name)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        if !existing.contains(name) && existing.filter(Self.isValidName).count >= Self.maximumDocuments {
            throw KnowledgeError(
                code: .tooLarge, message: "the knowledge base holds \(Self.maximumDocuments) documents")
        }
        let target = URL(fileURLWithPath: directory).appendingPathComponent(name)
        do {
            try Data(bytes).write(to: target, options: .atomic)
        } catch {
            throw KnowledgeError(code: .invalidDocument, message: "cannot write \(name)", detail: "\(error)")
        }
        _ = reloadIfChanged()
        return document
    }

    /// Adds (or replaces) the file at `path`, under its own name or `name`.
    @discardableResult
    public func add(fileAt path: String, as name: String? = nil) throws(KnowledgeError) -> KnowledgeDocument {
        let fileName = name ?? URL(fileURLWithPath: path).lastPathComponent
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue
        guard let size else { throw KnowledgeError(code: .invalidDocument, message: "cannot read \(path)") }
        guard size <= converter.limits.maximumDocumentBytes else {
            throw KnowledgeError(
                code: .tooLarge, message: "\(fileName) is larger than \(converter.limits.maximumDocumentBytes) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KnowledgeError(code: .invalidDocument, message: "cannot read \(path)")
        }
        return try add([UInt8](data), named: fileName)
    }

    /// Removes a document; returns whether it was there.
    @discardableResult
    public func remove(named name: String) -> Bool {
        guard Self.isValidName(name) else { return false }
        let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        guard (try? FileManager.default.removeItem(atPath: path)) != nil else { return false }
        _ = reloadIfChanged()
        return true
    }

    /// Rebuilds the index if a file was added, changed or removed; returns whether it did.
    @discardableResult
    public func reloadIfChanged() -> Bool {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter(Self.isValidName).sorted().prefix(Self.maximumDocuments)
        var versions: [String: Version] = [:]
        for name in names {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                (attributes[.type] as? FileAttributeType) == .typeRegular
            else { continue }
            versions[name] = Version(
                size: (attributes[.size] as? NSNumber)?.intValue ?? 0,
                modified: (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        }
        let (previous, cached) = state.withLock { ($0.versions, $0.documents) }
        guard previous != versions else { return false }
        var documents: [String: KnowledgeDocument] = [:]
        var failures: [String: String] = [:]
        // Oldest first, so that the most recent document wins when two define the same code.
        let ordered = versions.sorted { ($0.value.modified, $0.key) < ($1.value.modified, $1.key) }
        for (name, version) in ordered {
            if let document = cached[name], previous[name] == version {
                documents[name] = document
                continue
            }
            do {
                documents[name] = try converter.convert(
                    fileAt: URL(fileURLWithPath: directory).appendingPathComponent(name).path)
            } catch {
                failures[name] = error.description
            }
        }
        var index = KnowledgeIndex(limits: converter.limits)
        index.add(contentsOf: ordered.compactMap { documents[$0.key] })
        state.withLock { state in
            state.index = index
            state.versions = versions
            state.documents = documents
            state.failures = failures
            state.generation += 1
        }
        return true
    }
}
