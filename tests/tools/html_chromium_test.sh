#!/usr/bin/env bash
# Opens the HTML report in headless Chromium: the page loads with no console
# errors, every chart's SVG has a non-empty box, and a PNG screenshot is kept.
# usage: html_chromium_test.sh VESTSIM SOURCE_DIR WORK_DIR
set -u
vestsim=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
chromium=$(command -v chromium || command -v chromium-browser) || {
  echo "chromium is not installed: run scripts/install-deps"; exit 1; }
"$vestsim" run --paths 20000 --quiet --format html --out report.html || exit 1

# A probe page loads the report in a same-folder iframe and measures its charts.
cat > probe.html <<'HTML'
<!DOCTYPE html><html><body><iframe id="r" src="report.html" width="1000" height="800"></iframe>
<pre id="out">pending</pre>
<script>
document.getElementById('r').addEventListener('load', () => {
  const doc = document.getElementById('r').contentDocument;
  const charts = [...doc.querySelectorAll('svg.chart')];
  const sized = charts.filter(s => { const b = s.getBoundingClientRect(); return b.width > 100 && b.height > 100; });
  const marks = charts.filter(s => s.querySelectorAll('polyline, polygon').length > 0);
  document.getElementById('out').textContent =
    `charts=${charts.length} sized=${sized.length} drawn=${marks.length}`;
});
</script></body></html>
HTML
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --allow-file-access-from-files --user-data-dir="$work/profile")
timeout 120 "$chromium" "${flags[@]}" --enable-logging=stderr --v=0 --virtual-time-budget=5000 \
  --dump-dom "file://$work/probe.html" > dom.txt 2> console.txt
result=$(grep -o 'charts=[0-9]* sized=[0-9]* drawn=[0-9]*' dom.txt)
echo "probe: ${result:-nothing}"
timeout 120 "$chromium" "${flags[@]}" --window-size=1000,2400 --screenshot="$work/report.png" \
  "file://$work/report.html" > /dev/null 2>&1

failures=0 passed=0
ok() { if "$@"; then passed=$((passed + 1)); else echo "FAIL: $*"; failures=$((failures + 1)); fi; }
read -r charts sized drawn <<< "$(echo "$result" | sed 's/[a-z]*=//g')"
ok test "${charts:-0}" -ge 5        # distribution, CDF, three fan charts
ok test "${sized:-0}" = "${charts:-x}"
ok test "${drawn:-0}" = "${charts:-x}"
if grep -E 'CONSOLE|Uncaught|ERR_FILE_NOT_FOUND|net::ERR' console.txt | grep -v 'probe.html' > errors.txt; then
  echo "console errors:"; cat errors.txt
  failures=$((failures + 1))
else
  passed=$((passed + 1))
fi
ok test -s report.png
echo "screenshot: $work/report.png"
echo "$passed passed, $failures failed"
[ "$failures" = 0 ]
