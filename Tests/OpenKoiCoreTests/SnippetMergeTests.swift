@testable import OpenKoiCore
import Testing

struct SnippetMergeTests {
    let inventory = """
        class Inventory:
            def __init__(self):
                self.items = {}

            def add(self, sku, quantity):
                self.items[sku] = self.items.get(sku, 0) + quantity

            @staticmethod
            def remove(self, sku, quantity):
                self.items[sku] -= quantity
                return self.items[sku]


        def report(inventory):
            return sorted(inventory.items)

        """

    @Test func aMethodWrittenAloneReplacesTheSameMethodInItsClass() throws {
        let excerpt =
            "def remove(self, sku, quantity):\n    if self.items.get(sku, 0) < quantity:\n        raise ValueError(sku)\n    self.items[sku] -= quantity\n    return self.items[sku]\n"
        let merged = try #require(SnippetMerge.merge(excerpt, into: inventory))
        #expect(
            merged.contains(
                "    def remove(self, sku, quantity):\n        if self.items.get(sku, 0) < quantity:\n            raise ValueError(sku)"
            ))
        #expect(!merged.contains("@staticmethod"), "the excerpt's definition replaces the old one with its decorator")
        #expect(
            merged.contains(
                "    def add(self, sku, quantity):\n        self.items[sku] = self.items.get(sku, 0) + quantity"))
        #expect(
            merged.hasSuffix("def report(inventory):\n    return sorted(inventory.items)\n"),
            "the rest is byte for byte")
    }

    @Test func newTopLevelDefinitionsAreAppendedBesideReplacedOnes() throws {
        let merged = try #require(
            SnippetMerge.merge(
                "def report(inventory):\n    return list(inventory.items)\n\ndef total(inventory):\n    return sum(inventory.items.values())\n",
                into: inventory))
        #expect(merged.contains("def report(inventory):\n    return list(inventory.items)"))
        #expect(merged.hasSuffix("def total(inventory):\n    return sum(inventory.items.values())\n"))
    }

    @Test func excerptsWithOtherTopLevelCodeOrUnknownNamesAreNotMerged() {
        #expect(SnippetMerge.merge("import os\ndef remove(self):\n    pass\n", into: inventory) == nil)
        #expect(
            SnippetMerge.merge("def unknown():\n    pass\n", into: inventory) == nil,
            "nothing of the file's is replaced")
        #expect(SnippetMerge.merge("x = 1\n", into: inventory) == nil)
        let twice = "class A:\n    def run(self):\n        pass\n\nclass B:\n    def run(self):\n        pass\n"
        #expect(
            SnippetMerge.merge("def run(self):\n    return 1\n", into: twice) == nil, "an ambiguous name is not guessed"
        )
    }

    @Test func braceLanguagesKeepTheirClosingBrace() throws {
        let file = "function a() {\n  return 1;\n}\n\nfunction b() {\n  return 2;\n}\n"
        let merged = try #require(SnippetMerge.merge("function a() {\n  return 10;\n}\n", into: file))
        #expect(merged == "function a() {\n  return 10;\n}\n\nfunction b() {\n  return 2;\n}\n")
    }
}
