"""The version in the static URLs: a hash of the static folder's names and contents."""
import os

from app.web.assets import StaticVersion, content_version


def _folder(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "app.js").write_text('import "./forms.js";\n')
    (tmp_path / "js" / "forms.js").write_text("export {};\n")
    (tmp_path / "app.css").write_text("body { color: #000; }\n")
    return tmp_path


def test_it_is_short_and_stable(tmp_path):
    folder = _folder(tmp_path)
    version = content_version(folder)
    assert len(version) == 12 and int(version, 16) >= 0
    assert content_version(folder) == version
    os.utime(folder / "app.css", (0, 0))  # a touched file with the same contents: same version
    assert content_version(folder) == version


def test_it_changes_with_any_file_its_name_or_a_new_file(tmp_path):
    folder = _folder(tmp_path)
    first = content_version(folder)
    seen = {first}
    (folder / "js" / "forms.js").write_text("export const x = 1;\n")
    seen.add(content_version(folder))
    (folder / "app.css").rename(folder / "main.css")
    seen.add(content_version(folder))
    (folder / "img").mkdir()
    (folder / "img" / "logo.svg").write_text("<svg/>")
    seen.add(content_version(folder))
    assert len(seen) == 4
    (folder / "img" / "logo.svg").unlink()
    (folder / "main.css").rename(folder / "app.css")
    (folder / "js" / "forms.js").write_text("export {};\n")
    assert content_version(folder) == first  # back as it was (an empty folder has no files): the same version


def test_it_does_not_mix_up_where_one_file_ends_and_the_next_begins(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "1").write_text("xy"), (a / "2").write_text("z")
    (b / "1").write_text("x"), (b / "2").write_text("yz")
    assert content_version(a) != content_version(b)


def test_a_running_app_notices_an_edited_file(tmp_path):
    folder = _folder(tmp_path)
    version = StaticVersion(folder, recheck_seconds=0)
    before = version.current
    (folder / "app.css").write_text("body { color: #111; }\n")
    assert version.current == content_version(folder) != before
    slow = StaticVersion(folder, recheck_seconds=3600)  # looks at the files at most once an hour
    (folder / "app.css").write_text("body { color: #222; }\n")
    assert slow.current != content_version(folder)
