/** An error the local Step Functions API answers with a 400, named as Step Functions names it. */
export class LocalSfnError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}
