// Deep-freezes the loaded configuration so no module can change what every other module relies on.
// Secret instances are frozen too (their value lives in a private field and stays readable via reveal()).

export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}
