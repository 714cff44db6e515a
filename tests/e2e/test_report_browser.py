#!/usr/bin/python3
# tests/e2e/test_report_browser.py: the HTML report in a real browser
# (headless Chromium from Debian). On the demo region's report:
#  - printed to PDF: every page A4, EXEMPELDATA on every page, the page
#    count and headings present;
#  - laid out at the width of an A4 page's text (673 px): no element runs
#    past the page's right edge and no SVG text runs outside its SVG,
#    checked by a script run in a copy of the page (the report itself has
#    no script);
#  - the same check must report two boxes built to overflow (a cell that
#    cannot wrap, SVG text longer than its SVG), added to the copy by the
#    script and counted apart, so the check can fail.
import os
import re
import shutil
import subprocess
import sys
import tempfile

BUILD = os.environ.get("AVSLUT_BUILD", os.path.join(os.getcwd(), "build"))
HR = os.path.join(BUILD, "avslut-hr")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
failures = 0

# Runs at the end of the copied page: marks every box that reaches past
# the body's content box, and every SVG text outside its SVG's viewBox.
CHECK = r"""
<script>
(function () {
  var ctl = document.createElement('div');
  ctl.id = 'ctl';
  ctl.innerHTML = '<table><tr><td style="white-space:nowrap">' +
    'Ledarskapet eller min n\u00e4rmaste chef '.repeat(8) +
    '</td></tr></table><svg viewBox="0 0 100 20" width="100" ' +
    'height="20"><text x="0" y="14">Ledarskapet eller min ' +
    'n\u00e4rmaste chef</text></svg>';
  document.body.appendChild(ctl);
  var bad = [], caught = [];
  function flag(el, what) {
    (el.closest('#ctl') ? caught : bad).push(what);
  }
  var body = document.body.getBoundingClientRect();
  var right = body.right + 1;
  document.querySelectorAll('body *').forEach(function (el) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') return;
    var r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > right)
      flag(el, el.tagName + ' ' + (el.textContent || '').slice(0, 40) +
               ' right=' + Math.round(r.right) + '>' + Math.round(right));
    if (el.scrollWidth > el.clientWidth + 1 &&
        getComputedStyle(el).overflowX !== 'visible')
      flag(el, el.tagName + ' clipped ' + (el.textContent || '').slice(0, 40));
  });
  document.querySelectorAll('svg').forEach(function (svg) {
    var vb = svg.viewBox && svg.viewBox.baseVal;
    if (!vb || !vb.width) return;
    svg.querySelectorAll('text').forEach(function (t) {
      var b = t.getBBox();
      var m = t.getCTM && t.getCTM();
      var x0 = b.x, x1 = b.x + b.width;
      if (m) {   /* rotated labels: the box's corners in SVG space */
        var xs = [b.x * m.a + b.y * m.c + m.e,
                  (b.x + b.width) * m.a + b.y * m.c + m.e,
                  b.x * m.a + (b.y + b.height) * m.c + m.e,
                  (b.x + b.width) * m.a + (b.y + b.height) * m.c + m.e];
        var sm = svg.getCTM();
        if (sm) xs = xs.map(function (x) { return x - sm.e; });
        x0 = Math.min.apply(null, xs); x1 = Math.max.apply(null, xs);
      }
      if (x0 < -1 || x1 > vb.width + 1)
        flag(t, 'svg text ' + t.textContent.slice(0, 40) + ' x ' +
                 Math.round(x0) + '..' + Math.round(x1) + ' of ' + vb.width);
    });
  });
  var out = document.createElement('pre');
  out.id = 'overflow-result';
  out.textContent = 'CONTROL ' + caught.length + ' ' +
    caught.filter(function (c) { return c.indexOf('svg text') === 0; })
    .length + '\nOVERFLOW ' + bad.length + '\n' + bad.join('\n');
  document.body.appendChild(out);
})();
</script>
"""


def report(name, ok, why=""):
    global failures
    if ok:
        print("PASS %s" % name)
    else:
        failures += 1
        print("FAIL %s: %s" % (name, why))
    sys.stdout.flush()


def chromium(profile, *args):
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync",
           "--user-data-dir=" + profile] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def overflow(profile, path):
    """The page's own findings: (boxes caught among the controls, of them
    SVG texts, overflowing boxes of the report, their lines)."""
    p = chromium(profile, "--window-size=673,1000", "--dump-dom",
                 "file://" + path)
    m = re.search(r"CONTROL (\d+) (\d+)\nOVERFLOW (\d+)\n(.*?)</pre>",
                  p.stdout, re.S)
    if m is None:
        return -1, -1, -1, [p.stderr[-400:]]
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)),
            m.group(4).splitlines())


def main():
    if CHROMIUM is None:
        report("chromium_present", False,
               "no chromium: run make deps (Debian package chromium)")
        return 1
    base = tempfile.mkdtemp(prefix="avslut-e2e-browser-")
    env = dict(os.environ, LC_ALL="C.UTF-8")
    for k in ("AVSLUT_HOME", "AVSLUT_PASSPHRASE_FILE", "LANGUAGE"):
        env.pop(k, None)
    d = os.path.join(base, "demo")
    p = subprocess.run([HR, "demo", "--dir", d, "--no-dashboard"], env=env,
                       capture_output=True, text=True, timeout=120)
    m = re.search(r"--year (\d+)", p.stdout)
    report("demo_built", p.returncode == 0 and m is not None, p.stderr)
    if m is None:
        return 1
    env["AVSLUT_HOME"] = os.path.join(d, "home")
    html = os.path.join(base, "r.html")
    p = subprocess.run([HR, "report", "--year", m.group(1), "--format",
                        "html", "--lang", "sv", "--out", html,
                        "--passphrase-file", os.path.join(d, "passphrase")],
                       env=env, capture_output=True, text=True, timeout=120)
    report("report_written", p.returncode == 0, p.stderr)
    profile = os.path.join(base, "profile")

    pdf = os.path.join(base, "r.pdf")
    p = chromium(profile, "--no-pdf-header-footer", "--print-to-pdf=" + pdf,
                 "file://" + html)
    report("pdf_printed", os.path.exists(pdf), p.stderr[-400:])
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "1000", pdf],
                          capture_output=True, text=True).stdout
    sizes = re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)
    pages = int(re.search(r"Pages: +(\d+)", info).group(1)) if sizes else 0
    report("pdf_every_page_a4", pages > 2 and len(sizes) == pages and all(
        abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5
        for w, h in sizes), "%d pages, sizes %r" % (pages, sizes[:3]))
    marked = 0
    for i in range(1, pages + 1):
        t = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), pdf,
                            "-"], capture_output=True, text=True).stdout
        marked += "EXEMPELDATA" in t
    report("pdf_exempeldata_every_page", pages > 0 and marked == pages,
           "%d of %d pages" % (marked, pages))
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                          text=True).stdout
    report("pdf_content", "Sammanfattning" in text and
           "Enheter med hög personalomsättning" in text and
           "Metod och anonymitet" in text, text[:300])

    with open(html, encoding="utf-8") as f:
        page = f.read()
    checked = os.path.join(base, "checked.html")
    with open(checked, "w", encoding="utf-8") as f:
        f.write(page.replace("</body>", CHECK + "</body>"))
    caught, svgs, n, lines = overflow(profile, checked)
    # the check can fail: both planted overflows are caught
    report("overflow_check_can_fail", caught >= 2 and svgs == 1,
           "caught %d, svg %d" % (caught, svgs))
    report("no_overflow_at_a4_width", n == 0, "%d: %s" % (n, lines[:6]))
    shutil.rmtree(base, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
