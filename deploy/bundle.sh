#!/usr/bin/env bash
# `make bundle`: one archive, dist/zhicheng-bundle-<date>.tar.gz, for an intranet machine that reaches no package
# registry: the app as committed (git archive HEAD), every Python wheel of requirements.txt built for this Python and
# platform, the htmx npm package, the Debian packages of the PDF fonts, and SHA256SUMS of them. Unpacked, its
# deploy/install.sh installs with no network (README "离线安装包"). Needs the network here, not there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PIP=${PIP:-.venv/bin/pip}
FONT_PACKAGES=(fonts-arphic-uming fonts-wqy-zenhei)
name=zhicheng-bundle-$(date +%Y%m%d)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/$name
offline=$root/offline

[[ -z $(git status --porcelain --untracked-files=no) ]] || echo "注意：工作区有未提交的修改，离线包只含已提交的代码（HEAD）。" >&2
mkdir -p "$offline/wheels" "$offline/npm" "$offline/debs" dist
git archive --format=tar HEAD | tar -x -C "$root"
git rev-parse HEAD > "$root/REVISION"

echo "Python wheels (requirements.txt, $("$PIP" --version | cut -d' ' -f1-2), $("$(dirname "$PIP")/python" -c 'import sysconfig; print(sysconfig.get_platform())'))"
"$PIP" wheel --quiet --disable-pip-version-check -r requirements.txt -w "$offline/wheels"
# pip resolved the markers for this interpreter; a dependency only other 3.11.x releases need (a python_full_version
# marker, e.g. redis's async-timeout before 3.11.3, which Debian 12's 3.11.2 is) is added for them.
"$(dirname "$PIP")/python" - "$offline/wheels" > "$work/other-3.11.txt" <<'PY'
import sys
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

for wheel in sorted(Path(sys.argv[1]).glob("*.whl")):
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        lines = archive.read(metadata).decode().splitlines()
    for line in lines:
        if line.startswith("Requires-Dist:") and "python_full_version" in line and "extra" not in line:
            requirement = Requirement(line.removeprefix("Requires-Dist:").strip())
            if any(requirement.marker.evaluate({"python_full_version": f"3.11.{patch}", "python_version": "3.11"})
                   for patch in range(20)):
                print(f"{requirement.name}{requirement.specifier}")
PY
[[ ! -s $work/other-3.11.txt ]] || "$PIP" wheel --quiet --disable-pip-version-check -r "$work/other-3.11.txt" -w "$offline/wheels"
echo "npm: htmx.org (the installed version, package-lock.json)"
npm pack --silent ./node_modules/htmx.org --pack-destination "$offline/npm" >/dev/null
echo "Debian: ${FONT_PACKAGES[*]}"
(cd "$offline/debs" && apt-get download -qq "${FONT_PACKAGES[@]}")

(cd "$offline" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)
tar -czf "dist/$name.tar.gz" -C "$work" "$name"
echo "dist/$name.tar.gz: $(du -h "dist/$name.tar.gz" | cut -f1), $(ls "$offline/wheels" | wc -l) wheels"
