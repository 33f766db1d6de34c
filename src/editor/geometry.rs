//! Points, vectors, sizes and rectangles shared by the viewport, hit testing and commands.
//!
//! A [`Point`] is a place (on the canvas or on the screen, the name of the variable says which); a
//! [`Vector`] is a displacement. Keeping them apart means a position cannot be added to a position by
//! accident.

use engine::Position;

/// A place, in pixels. Canvas points are in design coordinates, screen points relative to the
/// canvas element's top-left corner.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A displacement, in pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Vector {
    pub x: f64,
    pub y: f64,
}

/// A width and a height, in pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

/// An axis-aligned rectangle; `min` is the top-left corner, `max` the bottom-right one.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub min: Point,
    pub max: Point,
}

impl Point {
    pub const fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    pub fn is_finite(self) -> bool {
        self.x.is_finite() && self.y.is_finite()
    }

    /// The displacement that takes `origin` to `self`.
    pub fn minus(self, origin: Point) -> Vector {
        Vector::new(self.x - origin.x, self.y - origin.y)
    }

    pub fn plus(self, by: Vector) -> Point {
        Point::new(self.x + by.x, self.y + by.y)
    }
}

impl From<Position> for Point {
    fn from(position: Position) -> Point {
        Point::new(position.x, position.y)
    }
}

impl From<Point> for Position {
    fn from(point: Point) -> Position {
        Position {
            x: point.x,
            y: point.y,
        }
    }
}

impl Vector {
    pub const ZERO: Vector = Vector { x: 0.0, y: 0.0 };

    pub const fn new(x: f64, y: f64) -> Vector {
        Vector { x, y }
    }

    pub fn is_finite(self) -> bool {
        self.x.is_finite() && self.y.is_finite()
    }

    pub fn scaled(self, factor: f64) -> Vector {
        Vector::new(self.x * factor, self.y * factor)
    }
}

impl Size {
    pub const fn new(width: f64, height: f64) -> Size {
        Size { width, height }
    }
}

impl Rect {
    /// The rectangle spanned by two opposite corners given in any order (a box-select drag can go
    /// up and to the left).
    pub fn from_corners(a: Point, b: Point) -> Rect {
        Rect {
            min: Point::new(a.x.min(b.x), a.y.min(b.y)),
            max: Point::new(a.x.max(b.x), a.y.max(b.y)),
        }
    }

    /// The rectangle of `size` centred on `centre`.
    pub fn centred(centre: Point, size: Size) -> Rect {
        let half = Vector::new(size.width / 2.0, size.height / 2.0);
        Rect {
            min: centre.plus(half.scaled(-1.0)),
            max: centre.plus(half),
        }
    }

    pub fn width(&self) -> f64 {
        self.max.x - self.min.x
    }

    pub fn height(&self) -> f64 {
        self.max.y - self.min.y
    }

    pub fn size(&self) -> Size {
        Size::new(self.width(), self.height())
    }

    pub fn area(&self) -> f64 {
        self.width() * self.height()
    }

    pub fn centre(&self) -> Point {
        Point::new(
            (self.min.x + self.max.x) / 2.0,
            (self.min.y + self.max.y) / 2.0,
        )
    }

    pub fn contains_point(&self, point: Point) -> bool {
        (self.min.x..=self.max.x).contains(&point.x) && (self.min.y..=self.max.y).contains(&point.y)
    }

    /// Whether `other` lies wholly inside `self`.
    pub fn contains_rect(&self, other: &Rect) -> bool {
        self.contains_point(other.min) && self.contains_point(other.max)
    }

    /// Whether the two overlap (touching edges do not count).
    pub fn intersects(&self, other: &Rect) -> bool {
        self.min.x < other.max.x
            && other.min.x < self.max.x
            && self.min.y < other.max.y
            && other.min.y < self.max.y
    }

    /// The rectangle grown by `margin` on every side.
    pub fn inflated(&self, margin: f64) -> Rect {
        Rect {
            min: self.min.plus(Vector::new(-margin, -margin)),
            max: self.max.plus(Vector::new(margin, margin)),
        }
    }

    /// The smallest rectangle holding both.
    pub fn union(&self, other: &Rect) -> Rect {
        Rect {
            min: Point::new(self.min.x.min(other.min.x), self.min.y.min(other.min.y)),
            max: Point::new(self.max.x.max(other.max.x), self.max.y.max(other.max.y)),
        }
    }
}
