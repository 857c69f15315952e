// Loaded only by browsers too old for ES modules (<script nomodule>): say so in plain
// words instead of a blank page. A file of its own: the pages allow no inline script.
document.write('<p class="warn">Trình duyệt này quá cũ để bỏ phiếu. Hãy dùng Chrome, Safari, Firefox hoặc Cốc Cốc bản mới.</p>');
