// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "policyc",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "policyc", targets: ["policyc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // libpq, the PostgreSQL client, for a notice ledger kept in PostgreSQL: a module map, no C code.
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // mimalloc (libmimalloc-dev) replaces malloc for the whole process: linked ahead of libc, its
        // malloc is the one every library binds to. The model is millions of small values; docs/design.md
        // has the measurements. Only the executable uses it, and configures it (Allocator.swift).
        .systemLibrary(name: "CMimalloc", providers: [.apt(["libmimalloc-dev"])]),
        .target(name: "PolicyModel"),
        // Parses run in parallel only where the executable exports policyc's replacement for
        // cmark-gfm's special-character setter (CommonMarkConverter). SwiftPM exports an executable's
        // public symbols on Linux, and the Makefile asks for this one by name; elsewhere cmark parses
        // one at a time, with the same results (PieceTests checks the parallel path is the one taken).
        // A linker flag here would need SwiftPM's unsafe flags setting, which no package depending on this one may use.
        .target(name: "PolicyParser", dependencies: ["PolicyModel", "CCmarkGFM"]),
        .target(name: "PolicyLint", dependencies: ["PolicyModel"]),
        // The lexicons are data a lawyer can review, built into the binary (Lexicon.swift).
        .target(name: "PolicyDiff", dependencies: ["PolicyModel"], resources: [
            .embedInCode("Lexicon/ad-tech-words.txt"),
            .embedInCode("Lexicon/binding-phrases.txt"),
            .embedInCode("Lexicon/commerce-words.txt"),
            .embedInCode("Lexicon/common-capitalised.txt"),
            .embedInCode("Lexicon/confusables.txt"),
            .embedInCode("Lexicon/consent-bases.txt"),
            .embedInCode("Lexicon/connectives.txt"),
            .embedInCode("Lexicon/consent-promise-words.txt"),
            .embedInCode("Lexicon/consent-words.txt"),
            .embedInCode("Lexicon/data-words.txt"),
            .embedInCode("Lexicon/disclosure-words.txt"),
            .embedInCode("Lexicon/equivalents.txt"),
            .embedInCode("Lexicon/flow-words.txt"),
            .embedInCode("Lexicon/function-words.txt"),
            .embedInCode("Lexicon/modals.txt"),
            .embedInCode("Lexicon/navigation-words.txt"),
            .embedInCode("Lexicon/negations.txt"),
            .embedInCode("Lexicon/new-purpose-words.txt"),
            .embedInCode("Lexicon/promised-purposes.txt"),
            .embedInCode("Lexicon/open-ended-periods.txt"),
            .embedInCode("Lexicon/own-use.txt"),
            .embedInCode("Lexicon/places.txt"),
            .embedInCode("Lexicon/practice-verbs.txt"),
            .embedInCode("Lexicon/practices.txt"),
            .embedInCode("Lexicon/quantifiers.txt"),
            .embedInCode("Lexicon/recipients.txt"),
            .embedInCode("Lexicon/reference-words.txt"),
            .embedInCode("Lexicon/retention-words.txt"),
            .embedInCode("Lexicon/right-words.txt"),
            .embedInCode("Lexicon/rights.txt"),
            .embedInCode("Lexicon/sale-words.txt"),
            .embedInCode("Lexicon/sentence-joiners.txt"),
            .embedInCode("Lexicon/tracker-words.txt"),
            .embedInCode("Lexicon/update-notice-words.txt"),
        ]),
        .target(name: "PolicyRelease", dependencies: [
            "PolicyModel", "PolicyParser", "PolicyDiff",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The default templates of the site and of the notices, built into the binary; a project's own
        // templates/ overrides them file by file (SiteTemplates.swift, NoticeTemplate.swift).
        .target(name: "PolicyRender", dependencies: [
            "PolicyModel", "PolicyDiff",
            .product(name: "Mustache", package: "swift-mustache"),
        ], resources: [
            .embedInCode("SiteTemplates/archive.mustache"),
            .embedInCode("SiteTemplates/changes.mustache"),
            .embedInCode("SiteTemplates/feed.mustache"),
            .embedInCode("SiteTemplates/index.mustache"),
            .embedInCode("SiteTemplates/layout-foot.mustache"),
            .embedInCode("SiteTemplates/layout-head.mustache"),
            .embedInCode("SiteTemplates/policy.mustache"),
            .embedInCode("SiteTemplates/style.css"),
        ]),
        .target(name: "PolicyNotice", dependencies: [
            "PolicyModel", "PolicyDiff", "CPostgres",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Mustache", package: "swift-mustache"),
        ], resources: [
            .embedInCode("EmailTemplates/notice.fr.html.mustache"),
            .embedInCode("EmailTemplates/notice.fr.subject.mustache"),
            .embedInCode("EmailTemplates/notice.fr.text.mustache"),
            .embedInCode("EmailTemplates/notice.html.mustache"),
            .embedInCode("EmailTemplates/notice.subject.mustache"),
            .embedInCode("EmailTemplates/notice.text.mustache"),
        ]),
        // What `policyc init` writes (StarterProject.swift). Starter/policy-pipeline is a copy of
        // script/policy-pipeline, kept equal by a test.
        .target(name: "PolicyProject", dependencies: [
            "PolicyModel", "PolicyParser", "PolicyLint", "PolicyDiff", "PolicyRelease", "PolicyRender", "PolicyNotice",
            .product(name: "Yams", package: "Yams"),
        ], resources: [
            .embedInCode("Starter/gitignore"),
            .embedInCode("Starter/policy-pipeline"),
            .embedInCode("Starter/policy-workflow.yml"),
            .embedInCode("Starter/policyc.yml"),
            .embedInCode("Starter/privacy-policy.md"),
        ]),
        .executableTarget(name: "policyc", dependencies: [
            "PolicyModel", "PolicyProject", "PolicyRelease", "PolicyParser", "PolicyRender", "PolicyNotice", "CMimalloc",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "PolicyParserTests", dependencies: ["PolicyParser", "PolicyTestSupport"]),
        .testTarget(name: "PolicyLintTests", dependencies: ["PolicyLint", "PolicyParser", "PolicyTestSupport"]),
        .testTarget(name: "PolicyDiffTests", dependencies: ["PolicyDiff", "PolicyParser", "PolicyTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "PolicyReleaseTests", dependencies: ["PolicyRelease", "PolicyProject", "PolicyTestSupport"]),
        // The parser's fast paths held to its reference pipeline, byte for byte (ParseOptions).
        .testTarget(name: "PolicyDifferentialTests", dependencies: [
            "PolicyParser", "PolicyRender", "PolicyDiff", "PolicyTestSupport",
        ]),
        .testTarget(name: "PolicyRenderTests", dependencies: ["PolicyRender", "PolicyParser", "PolicyDiff", "PolicyTestSupport"],
                    exclude: ["Golden"]),
        .testTarget(name: "PolicyProjectTests", dependencies: ["PolicyProject", "PolicyTestSupport"]),
        .testTarget(name: "PolicyNoticeTests", dependencies: [
            "PolicyNotice", "PolicyProject", "PolicyTestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "PolicycTests", dependencies: [
            "policyc", "PolicyTestSupport", "PolicyDiff", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "PolicyTestSupport", dependencies: ["PolicyModel"], path: "Tests/PolicyTestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
