import OneCallKnowledge
import Testing

@Suite("Knowledge search")
struct KnowledgeSearchTests {
    private let reference = KnowledgeIndex(documents: [
        KnowledgeDocument(name: "guide.md", text: KnowledgeFixtures.referenceGuide)
    ])

    @Test func tokensAreCodeAwareAndStemmed() {
        #expect(
            KnowledgeTokenizer.searchTerms(in: "Check ERR-12 and F07, 0x1F tickets; clear_fault")
                == [
                    "check", "err-12", "err12", "err", "12", "f07", "f", "07", "0x1f", "ticket", "clear_fault",
                    "clearfault", "clear", "fault",
                ])
        #expect(
            KnowledgeTokenizer.codeTokens(in: "Error E1: see E10/E1a (v2.5)") == [
                "error", "e1", "see", "e10", "e1a", "v2.5",
            ])
        #expect(
            KnowledgeTokenizer.words(in: "Don't e-mail the on-call operator's tickets") == [
                "dont", "email", "the", "oncall", "operator", "ticket",
            ])
        for (word, stem) in [
            ("logged", "log"), ("logging", "log"), ("calls", "call"), ("called", "call"), ("created", "creat"),
            ("creates", "creat"), ("notified", "notify"), ("notifies", "notify"), ("raising", "rais"),
            ("resetting", "reset"), ("status", "status"), ("log", "log"), ("pressure", "pressur"),
        ] {
            #expect(KnowledgeTokenizer.stem(word) == stem, "\(word)")
        }
        #expect(KnowledgeTokenizer.isCodeLike("ERR-12"))
        #expect(KnowledgeTokenizer.isCodeLike("0x1F"))
        #expect(!KnowledgeTokenizer.isCodeLike("230V"))
        #expect(!KnowledgeTokenizer.isCodeLike("pump"))
    }

    @Test func ranksSectionsByBM25() throws {
        let leaks = reference.search("refrigerant leaks", limit: 3)
        #expect(Set(leaks.prefix(2).map(\.sectionTitle)) == ["Error Code: E2", "Error Code: W1"])
        #expect(leaks.count == 3)
        #expect(leaks[0].score >= leaks[1].score && leaks[1].score >= leaks[2].score)
        #expect(reference.search("E3", limit: 1).first?.sectionTitle == "Error Code: E3")
        #expect(reference.search("compressor failure", limit: 1).first?.sectionTitle == "Error Code: E3")
        #expect(reference.search("thermostat ductwork").first?.sectionTitle == "Error Code: W1")
        #expect(reference.search("zebra").isEmpty)
        #expect(reference.search("", limit: 5).isEmpty)
        #expect(reference.search("ticket", limit: 2).count == 2)
        #expect(reference.search("ticket", limit: 0).isEmpty)
    }

    @Test func findsCodesWrittenDifferently() {
        let index = KnowledgeIndex(documents: [
            KnowledgeDocument(
                name: "a.md", text: "## F07 Overheat\nCheck the fan.\n\n## ERR-12 Fan stalled\nCheck the fuse.\n"),
            KnowledgeDocument(name: "b.md", text: "## E10 Sensor\nReplace it.\n\n## E1 Heat\nCheck the coil.\n"),
        ])
        #expect(index.search("F-07", limit: 1).first?.sectionTitle == "F07 Overheat")
        #expect(index.search("err12", limit: 1).first?.sectionTitle == "ERR-12 Fan stalled")
        #expect(index.search("ERR-12", limit: 1).first?.sectionTitle == "ERR-12 Fan stalled")
        #expect(index.search("E1", limit: 1).first?.sectionTitle == "E1 Heat")
        #expect(index.search("e10", limit: 1).first?.sectionTitle == "E10 Sensor")
    }

    @Test func cutsLongSectionsIntoBoundedChunks() throws {
        let sentence = "The technician checks the pump seal and records the pressure in the log book. "
        let paragraphs = (0..<8).map { _ in String(repeating: sentence, count: 6) }
        let word = String(repeating: "x", count: 2_500)
        let text = "# Manual\n\n## Pump P4\n\n" + paragraphs.joined(separator: "\n\n") + "\n\n" + word + "\n"
        let index = KnowledgeIndex(documents: [KnowledgeDocument(name: "manual.md", text: text)])
        let chunks = index.chunks
        #expect(chunks.count == 7)  // 4 of two paragraphs each, 3 pieces of the long word
        #expect(chunks.allSatisfy { $0.text.utf8.count <= 1_000 })
        #expect(chunks.allSatisfy { $0.sectionTitle == "Pump P4" && $0.sectionPath == ["Manual", "Pump P4"] })
        #expect(chunks.map(\.id.ordinal) == Array(0..<chunks.count))
        #expect(chunks.map(\.text).joined().filter { $0 == "x" }.count == 2_500)
        #expect(index.chunk(chunks[2].id) == chunks[2])
        #expect(chunks[0].contextualText.hasPrefix("Manual › Pump P4\n\n"))
        #expect(index.chunkCount == chunks.count)
    }

    @Test func fusesBM25WithASemanticRanking() throws {
        let chunks = reference.chunks
        let e1 = try #require(chunks.first { $0.sectionTitle == "Error Code: E1" })
        let w1 = try #require(chunks.first { $0.sectionTitle == "Error Code: W1" })
        let bm25 = reference.search("refrigerant leaks", limit: 5)
        #expect(bm25.first?.chunkID != e1.id)

        let unknown = ChunkID(documentName: "gone.md", ordinal: 0)
        let fused = reference.search("refrigerant leaks", limit: 5, semanticRanking: [unknown, w1.id, e1.id])
        #expect(fused.first?.chunkID == w1.id)
        #expect(fused.contains { $0.chunkID == e1.id })
        #expect(!fused.contains { $0.chunkID == unknown })
        // Rank 1 of the semantic list (the unknown id does not count) plus its BM25 rank.
        #expect((fused.first?.score ?? 0) > 1.0 / 61 + 1.0 / 63)

        let semanticOnly = reference.search("zebra", limit: 3, semanticRanking: [e1.id])
        #expect(semanticOnly.map(\.chunkID) == [e1.id])
        #expect(semanticOnly.first?.text == e1.text)
    }

    @Test func indexesALargeBaseQuickly() {
        // Correctness at scale; speed is measured by the benchmark, not asserted here.
        let documents = (0..<200).map { number in
            KnowledgeDocument(
                name: "unit-\(number).md",
                text: (0..<10).map { "## Fault U\(number)-\($0)\nActions: Log a ticket for unit \(number).\n" }.joined()
            )
        }
        var index = KnowledgeIndex(documents: documents)
        #expect(index.chunkCount == 2_000)
        #expect(index.search("U137-4", limit: 1).first?.sectionTitle == "Fault U137-4")
        #expect(index.section(forCode: "u199-9")?.documentName == "unit-199.md")
        index.remove(named: "unit-137.md")
        #expect(index.section(forCode: "U137-4") == nil)
        #expect(index.chunkCount == 1_990)
    }
}
