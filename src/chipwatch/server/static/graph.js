// The graph view: the page's JSON twin (same focus, radius and filters) drawn with
// Cytoscape.js, entities boxed by chain stage; the focus entity is larger and outlined;
// a click opens the entity, a double click centres the graph on it.
(function () {
  const box = document.getElementById("cy");
  if (!box || typeof cytoscape === "undefined") {
    if (box) box.textContent = "Cytoscape.js did not load (run `make install`); the same relations are in the table below.";
    return;
  }
  const lang = box.dataset.lang;
  const css = getComputedStyle(document.documentElement);
  const colour = (s) => css.getPropertyValue("--" + s).trim() || "#777";
  const stageFill = { materials: "#eef6ee", design: "#eef2fa", fabrication: "#fbf3e8", cooperation: "#f4eefa", other: "#f2f3f5" };
  const order = ["materials", "design", "fabrication", "cooperation", "other"];
  const suffix = lang && lang !== "en" ? "lang=" + lang : "";
  const go = (path, query) => { window.location.href = path + ([query, suffix].filter(Boolean).length ? "?" + [query, suffix].filter(Boolean).join("&") : ""); };
  fetch(box.dataset.elements).then((r) => r.json()).then((data) => {
    const narrow = box.clientWidth < 600;
    // grouped: each chain stage a near-square grid, the stages left to right (materials →
    // … → other); the focus at the centre of its grid, then the best-connected nearest it;
    // odd rows shifted half a cell so no three entities stand in a line. Ungrouped: force-directed.
    const grouped = (data.groups || []).length > 0;
    const positions = {};
    if (grouped) {
      const dx = narrow ? 110 : 150, dy = narrow ? 80 : 90, gap = narrow ? 50 : 80;
      const blocks = [];
      for (const stage of order) {
        const members = data.nodes.filter((n) => n.data.stage === stage)
          .sort((a, b) => (b.data.focus - a.data.focus) || (b.data.degree - a.data.degree) || a.data.label.localeCompare(b.data.label));
        if (!members.length) continue;
        const cols = Math.max(1, Math.min(Math.ceil(Math.sqrt(members.length * (narrow ? 0.6 : 1.4))), narrow ? 3 : 99));
        const rows = Math.ceil(members.length / cols);
        const cells = [];
        for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) cells.push([r, c]);
        const mid = [(rows - 1) / 2, (cols - 1) / 2];
        cells.sort((p, q) => Math.hypot(p[0] - mid[0], p[1] - mid[1]) - Math.hypot(q[0] - mid[0], q[1] - mid[1]) || p[0] - q[0] || p[1] - q[1]);
        blocks.push({ members, cells, w: cols * dx + dx / 2, h: rows * dy });
      }
      // the stage blocks flow left to right and wrap into rows about as wide as the canvas is proportioned
      const area = blocks.reduce((a, b) => a + (b.w + gap) * (b.h + gap), 0);
      const ratio = box.clientWidth / Math.max(320, window.innerHeight * 0.7);
      const maxW = Math.max(...blocks.map((b) => b.w), Math.sqrt(area * ratio));
      let x = 0, y = 0, rowH = 0;
      for (const b of blocks) {
        if (x > 0 && x + b.w > maxW) { x = 0; y += rowH + gap; rowH = 0; }
        b.members.forEach((n, i) => { const [r, c] = b.cells[i];
          positions[n.data.id] = { x: x + c * dx + (r % 2) * dx / 2, y: y + r * dy }; });
        x += b.w + gap; rowH = Math.max(rowH, b.h);
      }
    }
    const cy = cytoscape({
      container: box,
      elements: { nodes: [...(data.groups || []), ...data.nodes], edges: data.edges },
      layout: grouped ? { name: "preset", positions: (n) => positions[n.id()], padding: 12 }
                      : { name: "cose", animate: false, randomize: false, nodeRepulsion: 12000, idealEdgeLength: narrow ? 60 : 90, padding: 12 },
      minZoom: 0.2, maxZoom: 4,
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": narrow ? 11 : 12, "min-zoomed-font-size": 7,
          width: "mapData(degree, 1, 40, 14, 40)", height: "mapData(degree, 1, 40, 14, 40)", "background-color": "#4a6f99",
          shape: "data(shape)", "text-valign": "bottom", "text-margin-y": 2,
          "text-wrap": "wrap", "text-max-width": 110, color: "#1d2430", "text-outline-color": "#fff", "text-outline-width": 2,
          "font-family": "Noto Sans CJK TC, Noto Sans, sans-serif" } },
        { selector: "node[?focus]", style: { "background-color": "#c53030", "border-width": 3, "border-color": "#1d2430",
          width: 44, height: 44, "font-weight": "bold", "font-size": 14 } },
        { selector: ":parent", style: { label: "data(label)", shape: "round-rectangle", "text-valign": "top", "text-halign": "center",
          "font-size": 13, "font-weight": "bold", color: "#3a4350", "background-color": (n) => stageFill[n.data("stage")] || "#f2f3f5",
          "background-opacity": 1, "border-width": 1, "border-color": "#b8c0cc", padding: 14, "text-margin-y": -2 } },
        { selector: "edge", style: { width: 1.6, "curve-style": "bezier", "control-point-step-size": 6, "target-arrow-shape": "triangle",
          "arrow-scale": 0.8, "line-color": (e) => colour(e.data("status")),
          "target-arrow-color": (e) => colour(e.data("status")), opacity: 0.8, "font-size": 10,
          "text-rotation": "autorotate", "text-outline-color": "#fff", "text-outline-width": 2 } },
        { selector: "node.faded, edge.faded", style: { opacity: 0.15 } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#1f5fa8" } },
      ],
    });
    // the canvas as tall as the drawing needs at its width (within 320 px and 75% of the window), then fitted
    const bb = cy.elements().boundingBox();
    const want = Math.round(box.clientWidth * (bb.h + 40) / (bb.w + 40));
    box.style.height = Math.max(320, Math.min(want, Math.round(window.innerHeight * 0.75))) + "px";
    cy.resize();
    cy.fit(undefined, 12);
    cy.on("tap", "node", (evt) => {
      if (evt.target.isParent()) return;
      go("/entity/" + encodeURIComponent(evt.target.id()), "");
    });
    cy.on("dbltap", "node", (evt) => {
      if (!evt.target.isParent()) go("/graph", "focus=" + encodeURIComponent(evt.target.id()) + "&radius=" + (data.radius || 1));
    });
    // hovering an entity shows its own relations, the rest fades
    cy.on("mouseover", "node", (evt) => {
      if (evt.target.isParent()) return;
      const near = evt.target.closedNeighborhood();
      cy.elements().not(near).not(":parent").addClass("faded");
      near.edges().style("label", (e) => e.data("label"));
    });
    cy.on("mouseout", "node", () => { cy.elements().removeClass("faded"); cy.edges().style("label", ""); });
    cy.on("mouseover", "edge", (evt) => { evt.target.style("label", evt.target.data("label")); });
    cy.on("mouseout", "edge", (evt) => { evt.target.style("label", ""); });
    window.chipwatchGraph = cy;
  });
})();
