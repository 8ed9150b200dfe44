"""The general-prose corpus read from Debian's ``fortunes`` data files: the sentence filter written out
by hand, the file format (fortunes split on ``%`` lines, index files skipped), and the error that names
the package where it is absent (CI machines do not have it)."""

from __future__ import annotations

import pytest

from train.data.prose import fortune_sentences, prose_sentences


def test_prose_sentences_keeps_only_whole_prose_sentences():
    text = (
        "12345 67890 1234 5678 90 12 34 56.\n"
        "The quick brown fox jumps over the lazy dog today.\n"
        "Too short.\n"
        "Is this a question that has enough words in it?\n"
        "\t-- Somebody Famous, 1900\n"
    )
    # lines joined; split at a sentence end followed by a capital; the digits fail the letter share;
    # "Too short." has 2 words; the attribution line is dropped before joining
    assert prose_sentences(text) == [
        "The quick brown fox jumps over the lazy dog today.",
        "Is this a question that has enough words in it?",
    ]


def test_prose_sentences_joins_wrapped_lines_and_drops_unfinished_ones():
    text = "A sentence that is wrapped\nover two lines ends here!\nAnd this one has no end mark at all"
    assert prose_sentences(text) == ["A sentence that is wrapped over two lines ends here!"]


def test_prose_sentences_word_bounds():
    six = "One two three four five six."
    five = "One two three four five."
    sixty = " ".join(["word"] * 59 + ["end."]).capitalize()
    sixty_one = " ".join(["word"] * 60 + ["end."]).capitalize()
    assert prose_sentences(six) == [six]
    assert prose_sentences(five) == []
    assert prose_sentences(sixty) == [sixty]
    assert prose_sentences(sixty_one) == []


def test_fortune_files_are_split_on_percent_lines_and_index_files_skipped(tmp_path):
    (tmp_path / "wisdom").write_text(
        "Every cloud has a silver lining, or so they say.\n%\n"
        "A rolling stone gathers no moss at all, friend.\n\t-- Proverb\n%\n"
    )
    (tmp_path / "wisdom.dat").write_bytes(b"\x00\x01binary index")
    (tmp_path / "wisdom.u8").write_text("Symlinked files with a suffix are not read by this reader.\n")
    (tmp_path / "art").write_text("Art is long and life is short, as they say.\n%\n")
    assert fortune_sentences(tmp_path) == [
        "Art is long and life is short, as they say.",  # files in sorted order: art, wisdom
        "Every cloud has a silver lining, or so they say.",
        "A rolling stone gathers no moss at all, friend.",
    ]


@pytest.mark.parametrize("make", ["missing", "empty", "file"])
def test_absent_corpus_names_the_package(tmp_path, make):
    root = tmp_path / "fortunes"
    if make == "empty":
        root.mkdir()
    elif make == "file":
        root.write_text("not a folder")
    with pytest.raises(FileNotFoundError, match="apt-get install fortunes"):
        fortune_sentences(root)


def test_a_sentence_end_before_a_lowercase_or_digit_does_not_split():
    text = "Is this a question that has enough words in it? 12345 67890 1234 5678 90 12 34 56."
    assert prose_sentences(text) == []  # one chunk, mostly digits: dropped whole
