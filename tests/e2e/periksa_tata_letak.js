// Layout checks run in the page by tests/e2e/test_tata_letak.py (issue 14). Returns a list of
// problems in Indonesian, each naming the element ("tag.class#id: text").
(args) => {
  const isPhone = args.isPhone;
  const problems = [];
  const doc = document.documentElement;
  const width = doc.clientWidth;

  const describe = (el) => {
    const cls = (el.className && typeof el.className === "string")
      ? "." + el.className.trim().split(/\s+/).slice(0, 2).join(".") : "";
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "")
      .trim().replace(/\s+/g, " ").slice(0, 40);
    return `${el.tagName.toLowerCase()}${cls}${el.id ? "#" + el.id : ""} «${text}»`;
  };
  const visible = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const inScrollBox = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === "auto" || ox === "scroll") return true;
    }
    return false;
  };

  // 1. The document never scrolls sideways.
  if (doc.scrollWidth > width + 1) {
    const culprits = [];
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1 && visible(el) && !inScrollBox(el)) {
        culprits.push(describe(el));
        if (culprits.length >= 3) break;
      }
    }
    problems.push(`halaman bergulir ke samping ${doc.scrollWidth - width}px: ${culprits.join(", ")}`);
  }

  // 2. No word broken in the middle, and no word wider than its box.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let broken = 0;
  for (let node = walker.nextNode(); node && broken < 5; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !node.data.trim()) continue;
    if (parent.closest("svg, script, style, .visually-hidden, .visually-hidden-focusable")) continue;
    if (!visible(parent)) continue;
    const re = /[^\s\-\/–—·,;:()]{2,}/g;
    let m;
    while ((m = re.exec(node.data)) !== null) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
      const tops = new Set(rects.map((r) => Math.round(r.top)));
      if (tops.size > 1) {
        problems.push(`kata terpotong «${m[0]}» di ${describe(parent)}`);
        broken += 1;
        break;
      }
      const box = parent.getBoundingClientRect();
      if (rects.length === 1 && rects[0].width > box.width + 1 && !inScrollBox(parent)
          && getComputedStyle(parent).display !== "inline") {
        problems.push(`kata «${m[0]}» lebih lebar dari kotaknya ${describe(parent)}`);
        broken += 1;
        break;
      }
    }
  }

  // 3. On a desktop the top navigation fits one line.
  const nav = document.querySelector("[data-testid=nav]");
  if (!isPhone && nav) {
    const items = Array.from(document.querySelectorAll(".navbar-dinsos .navbar-nav > li"));
    const tops = new Set(items.map((li) => Math.round(li.getBoundingClientRect().top)));
    if (tops.size > 1) problems.push(`navigasi atas lebih dari satu baris (${tops.size})`);
  }

  // 4. On a phone every tap target is at least 44 px high (a link inside running text is
  //    exempt, as WCAG 2.5.8 exempts inline targets).
  if (isPhone) {
    const targets = document.querySelectorAll(
      "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]");
    let small = 0;
    for (const el of targets) {
      if (!visible(el)) continue;
      let r = el.getBoundingClientRect();
      if (r.width <= 2 || r.height <= 2) continue;
      if (el.matches("input[type=checkbox], input[type=radio]")) {
        const box = el.closest(".form-check, label") || (el.labels && el.labels[0]);
        if (box) r = box.getBoundingClientRect();
      }
      if (el.tagName === "A" && getComputedStyle(el).display === "inline") {
        const text = Array.from(el.parentElement.childNodes)
          .filter((n) => n !== el && n.nodeType === Node.TEXT_NODE && n.data.trim());
        if (text.length) continue;
      }
      if (r.height < 43.5) {
        problems.push(`sasaran sentuh ${Math.round(r.height)}px: ${describe(el)}`);
        if (++small >= 5) break;
      }
    }
  }
  return problems;
}
