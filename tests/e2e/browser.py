"""Headless Chromium for the e2e tests of printed documents (avslut print,
the HR report): print an HTML file to PDF and read its pages' size, and
find elements whose text overflows their box. Debian's chromium and
poppler-utils (pdfinfo, pdftotext), installed by make deps."""
import os
import re
import shutil
import subprocess
import tempfile

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-quic", "--disable-extensions",
         "--hide-scrollbars", "--mute-audio"]

# Marks every element whose content is wider than its box, or that sticks
# out of the page's text column, in a data attribute of <html> that
# --dump-dom prints. A4 at 96 dpi is 794 px wide.
_OVERFLOW_JS = """<script>
window.addEventListener('load', function () {
  var bad = [], body = document.body.getBoundingClientRect();
  document.querySelectorAll('body *').forEach(function (el) {
    var r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (cs.display === 'none' || r.width === 0) return;
    if (el.scrollWidth > el.clientWidth + 1 && cs.overflowX !== 'visible'
        || r.right > body.right + 1 || r.left < body.left - 1)
      bad.push(el.tagName + (el.className ? '.' + el.className : '') +
               ':' + (el.textContent || '').trim().slice(0, 40));
  });
  document.documentElement.setAttribute('data-overflow', JSON.stringify(bad));
});
</script>"""


def chromium():
    for c in ("chromium", "chromium-browser"):
        p = shutil.which(c)
        if p:
            return p
    return None


def _run(args, timeout=90):
    ud = tempfile.mkdtemp(prefix="avslut-chromium-")
    try:
        return subprocess.run([chromium()] + FLAGS +
                              ["--user-data-dir=" + ud] + args,
                              capture_output=True, text=True,
                              timeout=timeout)
    finally:
        shutil.rmtree(ud, ignore_errors=True)


def print_pdf(html_path, pdf_path):
    """Print html_path as Chromium prints it; return (pages, (w, h) in pt)."""
    _run(["--no-pdf-header-footer", "--print-to-pdf=" + pdf_path,
          "file://" + os.path.abspath(html_path)])
    info = subprocess.run(["pdfinfo", pdf_path], capture_output=True,
                          text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    m = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    return pages, (float(m.group(1)), float(m.group(2)))


def pdf_text(pdf_path):
    return subprocess.run(["pdftotext", "-layout", pdf_path, "-"],
                          capture_output=True, text=True).stdout


def is_a4(size):
    w, h = size
    return abs(w - 595.3) < 2 and abs(h - 841.9) < 2


def overflow(html_path, width=794):
    """Elements of html_path whose text does not fit their box, at the
    width of an A4 page."""
    import json
    src = open(html_path, encoding="utf-8").read()
    probe = tempfile.NamedTemporaryFile("w", suffix=".html", delete=False,
                                        encoding="utf-8")
    probe.write(src.replace("</body>", _OVERFLOW_JS + "</body>", 1))
    probe.close()
    try:
        r = _run(["--window-size=%d,1123" % width, "--dump-dom",
                  "--virtual-time-budget=3000",
                  "file://" + probe.name])
    finally:
        os.unlink(probe.name)
    m = re.search(r"data-overflow=\"([^\"]*)\"", r.stdout)
    if m is None:
        raise RuntimeError("the overflow probe did not run: %s" %
                           r.stderr[-300:])
    import html
    return json.loads(html.unescape(m.group(1)))
