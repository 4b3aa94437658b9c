// The graph view: the page's JSON twin (same filters) drawn with Cytoscape.js; a click opens the entity.
(function () {
  const box = document.getElementById("cy");
  if (!box || typeof cytoscape === "undefined") {
    if (box) box.textContent = "Cytoscape.js did not load (run `make install`); the data is in this page's JSON twin.";
    return;
  }
  const lang = box.dataset.lang;
  const colours = { fact: "#1b7f3b", reported: "#2b6cb0", speculated: "#b7791f", planned: "#6b46c1", disputed: "#c53030" };
  const shapes = { company: "ellipse", country: "round-rectangle", product: "diamond", material: "hexagon",
                   equipment: "triangle", technology: "star", state_body: "rectangle", facility: "barrel" };
  fetch(box.dataset.elements).then((r) => r.json()).then((data) => {
    const cy = cytoscape({
      container: box,
      elements: { nodes: data.nodes, edges: data.edges },
      layout: { name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 90 },
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 10, width: "mapData(degree, 1, 40, 12, 44)",
          height: "mapData(degree, 1, 40, 12, 44)", "background-color": "#5b7fa8", shape: (n) => shapes[n.data("type")] || "ellipse",
          "text-valign": "bottom", "text-margin-y": 2,
          "font-family": "Noto Sans CJK TC, Noto Sans, sans-serif" } },
        { selector: "edge", style: { width: 1.2, "curve-style": "bezier", "target-arrow-shape": "triangle",
          "arrow-scale": 0.7, "line-color": (e) => colours[e.data("status")] || "#999",
          "target-arrow-color": (e) => colours[e.data("status")] || "#999", opacity: 0.75 } },
        { selector: "node:selected", style: { "background-color": "#c53030" } },
      ],
    });
    cy.on("tap", "node", (evt) => {
      const id = evt.target.id();
      window.location.href = "/entity/" + encodeURIComponent(id) + (lang && lang !== "en" ? "?lang=" + lang : "");
    });
    cy.on("mouseover", "edge", (evt) => { evt.target.style("label", evt.target.data("label")); });
    cy.on("mouseout", "edge", (evt) => { evt.target.style("label", ""); });
    window.chipwatchGraph = cy;
  });
})();
