"""What the TV layout tests measure in the page (JavaScript run by Playwright): boxes that
overflow or clip their text, and the smallest font size of each class of text."""

# Every element of the TV whose content is larger than its box (scroll vs client size), or that
# sticks out of its panel or the screen. The running text scrolls on purpose and is left out.
OVERFLOWS = """() => {
    const problems = [];
    const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1
        && a.bottom <= b.bottom + 1;
    const screen = {left: 0, top: 0, right: innerWidth, bottom: innerHeight};
    const name = (el) => el.id ? '#' + el.id : (el.className && typeof el.className === 'string'
        ? '.' + el.className.trim().split(/\\s+/)[0] : el.tagName.toLowerCase());
    for (const el of document.querySelectorAll('#display *')) {
        if (!visible(el) || el.closest('.ticker') || el.closest('svg')) continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
            problems.push(`${name(el)} "${el.textContent.trim().slice(0, 30)}" scrollWidth ${el.scrollWidth} > ${el.clientWidth}`);
        if (el.scrollHeight > el.clientHeight + 1 && el.clientHeight > 0)
            problems.push(`${name(el)} "${el.textContent.trim().slice(0, 30)}" scrollHeight ${el.scrollHeight} > ${el.clientHeight}`);
        if (!inside(box, screen)) problems.push(`${name(el)} outside the screen`);
        const panel = el.parentElement && el.parentElement.closest(
            '.hero, .counter-tile, .history, .waiting, .media, .topbar, .bottombar, .waiting-item, .history-row');
        if (panel && !inside(box, panel.getBoundingClientRect()))
            problems.push(`${name(el)} "${el.textContent.trim().slice(0, 30)}" outside ${name(panel)}`);
    }
    return problems;
}"""

# The smallest computed font size (px) of the visible text of each selector, and of all the text.
FONT_SIZES = """(selectors) => {
    const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const sizes = {};
    for (const selector of selectors) {
        let smallest = null;
        for (const el of document.querySelectorAll(selector)) {
            if (!visible(el) || !el.textContent.trim()) continue;
            const size = parseFloat(getComputedStyle(el).fontSize);
            smallest = smallest === null ? size : Math.min(smallest, size);
        }
        sizes[selector] = smallest;
    }
    let any = null;
    let where = '';
    const walker = document.createTreeWalker(document.getElementById('display'), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!node.textContent.trim() || !visible(el)) continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (any === null || size < any) { any = size; where = node.textContent.trim().slice(0, 30); }
    }
    sizes['*'] = any;
    sizes['smallest text'] = where;
    return sizes;
}"""

# Is every point of these boxes (corners and centre) the element itself or inside it, i.e. not
# covered by anything drawn over it?
UNCOVERED = """(selector) => {
    const problems = [];
    for (const el of document.querySelectorAll(selector)) {
        const b = el.getBoundingClientRect();
        // Just inside the rounded corners, and the centre.
        const dx = Math.max(4, b.width * 0.1), dy = Math.max(4, b.height * 0.1);
        const points = [[b.left + dx, b.top + dy], [b.right - dx, b.top + dy], [b.left + dx, b.bottom - dy],
                        [b.right - dx, b.bottom - dy], [(b.left + b.right) / 2, (b.top + b.bottom) / 2]];
        for (const [x, y] of points) {
            const top = document.elementFromPoint(x, y);
            if (!top || !(top === el || el.contains(top)))
                problems.push(`${selector} covered at ${Math.round(x)},${Math.round(y)} by ${top ? top.outerHTML.slice(0, 60) : 'nothing'}`);
        }
    }
    return problems;
}"""
